import type { Issue } from "../domain/issue.js";
import type { LimitTrip } from "../domain/limit-trip.js";
import type { HostPreference } from "./host-slots.js";
import { describeStop } from "./reconcile.js";
import type { RunningEntry } from "./state.js";
import type { WorkerExit } from "./worker.js";

/** What the orchestrator does when a worker exits (spec 16.6 plus stop reasons and blocking). */
export type ExitDisposition =
  | { readonly kind: "release"; readonly cleanup: Issue | null }
  | { readonly kind: "parked"; readonly trip: LimitTrip }
  | {
      readonly kind: "blocked";
      readonly inputKind: "user_input" | "approval" | "elicitation";
      readonly question: string;
    }
  | {
      readonly kind: "retry";
      readonly attempt: number;
      readonly retryKind: "continuation" | "failure";
      readonly error: string | null;
      /** Where the retry should run: the same host (warm workspace) unless it could not be reached. */
      readonly placement: HostPreference;
    };

/** Decides the fate of an exited run from why it was stopped (if it was) and how it ended. */
export function exitDisposition(entry: RunningEntry, exit: WorkerExit): ExitDisposition {
  const stop = entry.stop;
  // the agent's own input_required event knows the kind (user input, approval, elicitation) best
  const question = entry.input ?? (exit.outcome === "blocked" ? exit : null);
  if (stop?.kind === "limit") return { kind: "parked", trip: stop.trip };
  if (stop !== null && stop.kind !== "stall") {
    return { kind: "release", cleanup: stop.kind === "terminal" ? stop.issue : null };
  }
  if (exit.outcome === "blocked" || (stop?.kind === "stall" && question !== null)) {
    return { kind: "blocked", inputKind: question?.kind ?? "user_input", question: question?.question ?? "" };
  }
  const next = (entry.attempt ?? 0) + 1;
  const placement: HostPreference =
    exit.outcome === "failed" && exit.hostUnreachable === true
      ? { preferred: null, avoid: entry.host }
      : { preferred: entry.host, avoid: null };
  if (stop?.kind === "stall")
    return { kind: "retry", attempt: next, retryKind: "failure", error: describeStop(stop), placement };
  if (exit.outcome === "normal") {
    return { kind: "retry", attempt: 1, retryKind: "continuation", error: null, placement };
  }
  const error = `worker exited: ${exit.reason}`;
  return { kind: "retry", attempt: next, retryKind: "failure", error, placement };
}
