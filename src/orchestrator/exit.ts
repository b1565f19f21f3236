import { messageOf } from "../domain/errors.js";
import type { Issue } from "../domain/issue.js";
import { describeRunError, type RunError, type RunOutcome } from "../domain/run-error.js";
import type { HostPreference } from "./host-slots.js";
import { describeStop } from "./reconcile.js";
import type { RunningEntry, StopReason } from "./state.js";
import type { WorkerExit } from "./worker.js";

/** What the orchestrator does when a worker exits (spec 16.6 plus stop reasons and blocking). */
export type ExitDisposition =
  | { readonly kind: "release"; readonly cleanup: Issue | null }
  | {
      readonly kind: "blocked";
      readonly inputKind: "user_input" | "approval" | "elicitation";
      readonly question: string;
    }
  | {
      readonly kind: "retry";
      readonly attempt: number;
      readonly retryKind: "continuation" | "failure";
      readonly error: RunError | null;
      /** Where the retry should run: the same host (warm workspace) unless it could not be reached. */
      readonly placement: HostPreference;
    };

/** Decides the fate of an exited run from why it was stopped (if it was) and how it ended. */
export function exitDisposition(entry: RunningEntry, exit: WorkerExit): ExitDisposition {
  const stop = entry.stop;
  // the agent's own input_required event knows the kind (user input, approval, elicitation) best
  const question = entry.input ?? (exit.outcome === "blocked" ? exit : null);
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
    return { kind: "retry", attempt: next, retryKind: "failure", error: stallError(stop), placement };
  if (exit.outcome === "completed") {
    return { kind: "retry", attempt: 1, retryKind: "continuation", error: null, placement };
  }
  return { kind: "retry", attempt: next, retryKind: "failure", error: exitError(exit), placement };
}

/** The typed error of a run that did not complete (a cancel nobody asked for is kept as `turn_cancelled`). */
function exitError(exit: Exclude<WorkerExit, { outcome: "completed" | "blocked" }>): RunError {
  if (exit.outcome === "cancelled") return { code: "turn_cancelled", message: exit.reason, retryable: true };
  return exit.error;
}

function stallError(stop: Extract<StopReason, { kind: "stall" }>): RunError {
  return { code: "stalled", message: describeStop(stop), retryable: true };
}

/** How a run ended as observers and logs see it: one outcome name, a one-line reason, the typed error. */
export function runEnding(
  entry: RunningEntry,
  exit: WorkerExit,
): { readonly outcome: RunOutcome; readonly reason: string | null; readonly error: RunError | null } {
  if (entry.stop?.kind === "stall") {
    const error = stallError(entry.stop);
    return { outcome: "stalled", reason: describeRunError(error), error };
  }
  switch (exit.outcome) {
    case "completed":
      return { outcome: "completed", reason: null, error: null };
    case "blocked":
      return { outcome: "blocked", reason: exit.question, error: null };
    case "cancelled":
      return { outcome: "cancelled", reason: exit.reason, error: null };
    case "failed":
    case "timed_out":
      return { outcome: exit.outcome, reason: describeRunError(exit.error), error: exit.error };
    default: {
      const _exhaustive: never = exit;
      throw new Error(`unhandled ${JSON.stringify(_exhaustive)}`);
    }
  }
}

/** The exit of a worker that could not be started or threw (a bug or a crash, kept typed). */
export function crashedExit(code: "worker_spawn_failed" | "worker_crashed", cause: unknown): WorkerExit {
  return { outcome: "failed", error: { code, message: messageOf(cause), retryable: true, cause } };
}
