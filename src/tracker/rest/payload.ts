/** True for a plain JSON object (not null, not an array). */
export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Epoch ms of an ISO-8601 timestamp string, or null when absent or unparsable. */
export function timestamp(value: unknown): number | null {
  if (typeof value !== "string") return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** Label names from a list of strings or of `{name}` objects (both REST APIs use both forms). */
export function labelNames(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const names: string[] = [];
  for (const label of value) {
    if (typeof label === "string") names.push(label);
    else if (isMap(label) && typeof label.name === "string") names.push(label.name);
  }
  return names;
}
