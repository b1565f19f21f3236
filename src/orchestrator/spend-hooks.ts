import type { AgentEvent } from "../domain/agent-event.js";
import type { LimitTrip } from "../domain/limit-trip.js";
import type { OrchestratorDeps } from "./deps.js";
import type { RunningEntry, Totals } from "./state.js";

/**
 * Counts one agent event against the limits (token growth priced by model, completed turns) and
 * returns the limit it reached, if any; the orchestrator then stops the run, which parks the issue.
 * A `session_started` event records the model and starts the workspace probe for no-progress.
 */
export function countSpend(
  entry: RunningEntry,
  event: AgentEvent,
  before: RunningEntry["tokens"],
  now: number,
  deps: Pick<OrchestratorDeps, "spend" | "probeWorkspace">,
  totals: Totals,
): LimitTrip | null {
  if (event.type === "session_started") {
    if (event.model !== undefined && event.model !== null) entry.model = event.model;
    const probe = deps.probeWorkspace;
    if (entry.workspaceAtStart === null && entry.workspacePath !== null && probe !== undefined) {
      entry.workspaceAtStart = probe(entry.host, entry.workspacePath).catch(() => null);
    }
  }
  const spend = deps.spend;
  if (spend === undefined) return null;
  if (event.type === "token_usage") {
    const input = entry.tokens.input - before.input;
    const output = entry.tokens.output - before.output;
    if (input + output <= 0) return null;
    // cached input is an absolute session total too: count its growth, never more than the input growth
    const cachedTotal = event.totals.cachedInputTokens ?? entry.cachedInputReported;
    const cachedInput = Math.min(Math.max(cachedTotal - entry.cachedInputReported, 0), input);
    entry.cachedInputReported = Math.max(entry.cachedInputReported, cachedTotal);
    // an agent that prices its own usage reports an absolute session cost: its growth replaces our price
    const reported = event.totals.costUsd;
    const reportedGrowth = reported === undefined ? undefined : Math.max(reported - entry.costReported, 0);
    if (reported !== undefined) entry.costReported = Math.max(entry.costReported, reported);
    const counted = spend.onUsage(
      entry.issue,
      { input, cachedInput, output },
      entry.model,
      now,
      reportedGrowth,
    );
    entry.costUsd += counted.costUsd;
    if (counted.priced) entry.costKnown = true;
    totals.costUsd += counted.costUsd;
    return counted.trip;
  }
  if (event.type === "turn_completed")
    return spend.onTurn(entry.issue, now, Math.max(now - entry.startedAt, 0));
  return null;
}

/** Whether a run changed its workspace: fingerprint at session start vs now (null = unknown). */
export async function workspaceChangedDuring(
  entry: RunningEntry,
  probe: OrchestratorDeps["probeWorkspace"],
): Promise<boolean | null> {
  if (probe === undefined || entry.workspaceAtStart === null || entry.workspacePath === null) return null;
  const before = await entry.workspaceAtStart;
  const after = await probe(entry.host, entry.workspacePath).catch(() => null);
  return before === null || after === null ? null : before !== after;
}
