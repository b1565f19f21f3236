import type { Issue } from "../domain/issue.js";
import { isActive, isRoutable, isTerminal, type StateSets } from "./eligibility.js";
import type { RunningEntry, StopReason } from "./state.js";

/** What to do with one tracked (running or blocked) issue after a refresh. */
export type ReconcileDecision =
  | { readonly action: "keep"; readonly issue: Issue }
  | { readonly action: "release"; readonly reason: Exclude<StopReason, { kind: "stall" | "shutdown" }> };

/** Spec 16.3 part B for one tracked id; `issue` is undefined when the refresh omitted it. */
export function decide(issue: Issue | undefined, sets: StateSets): ReconcileDecision {
  if (issue === undefined) return { action: "release", reason: { kind: "missing" } };
  if (isTerminal(issue, sets)) return { action: "release", reason: { kind: "terminal", issue } };
  if (!isActive(issue, sets)) return { action: "release", reason: { kind: "inactive", state: issue.state } };
  if (!isRoutable(issue, sets)) return { action: "release", reason: { kind: "unroutable" } };
  return { action: "keep", issue };
}

/** Spec 8.5 part A: running entries without progress for longer than the stall timeout (≤ 0 disables). */
export function stalledRuns(
  running: Iterable<RunningEntry>,
  now: number,
  stallTimeoutMs: number,
): { readonly entry: RunningEntry; readonly elapsedMs: number }[] {
  if (stallTimeoutMs <= 0) return [];
  const out: { entry: RunningEntry; elapsedMs: number }[] = [];
  for (const entry of running) {
    if (entry.stop !== null) continue;
    const elapsedMs = now - (entry.lastProgressAt ?? entry.startedAt);
    if (elapsedMs > stallTimeoutMs) out.push({ entry, elapsedMs });
  }
  return out;
}

/** A short operator-facing description of a stop reason. */
export function describeStop(reason: StopReason): string {
  switch (reason.kind) {
    case "terminal":
      return `issue reached terminal state ${reason.issue.state}`;
    case "inactive":
      return `issue left the active states (now ${reason.state})`;
    case "unroutable":
      return "issue is no longer routable (dispatchable or required labels changed)";
    case "missing":
      return "issue is no longer visible in the tracker";
    case "stall":
      return `no agent activity for ${reason.elapsedMs}ms`;
    case "shutdown":
      return "service shutting down";
    default: {
      const never: never = reason;
      return String(never);
    }
  }
}
