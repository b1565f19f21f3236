/** Normalises `agent.max_concurrent_agents_by_state`: keys trimmed + lower-cased, invalid entries dropped. */
export function normaliseByState(raw: Readonly<Record<string, unknown>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [state, limit] of Object.entries(raw)) {
    const key = state.trim().toLowerCase();
    if (key === "") continue;
    if (typeof limit !== "number" || !Number.isInteger(limit) || limit <= 0) continue;
    out[key] = limit;
  }
  return out;
}
