import type { AgentError, AgentErrorCategory, TrackerError, WorkspaceError } from "./errors.js";

/**
 * A failure carried whole from where it happened to the edge (worker exit, retry row, HTTP API, logs):
 * never flattened into a sentence that someone has to parse again.
 */
export interface RunError {
  /** Stable machine code: an agent category, a workspace error kind, a tracker category, or a runner code. */
  readonly code: string;
  readonly message: string;
  /**
   * False when another attempt will fail the same way until something changes (config, credentials,
   * binary, template). The orchestrator still retries with backoff, since a workflow reload may fix it.
   */
  readonly retryable: boolean;
  readonly cause?: unknown;
}

/** How a worker run ended: one spelling everywhere (worker exits, `run_ended`, logs, metrics, run logs). */
export type RunOutcome = "completed" | "failed" | "timed_out" | "cancelled" | "stalled" | "blocked";

/** Agent categories that need a change before another attempt can succeed. */
const AGENT_NOT_RETRYABLE: ReadonlySet<AgentErrorCategory> = new Set([
  "agent_not_found",
  "invalid_workspace_cwd",
  "model_auth",
]);

/** A run error from an agent failure (session startup or a turn). */
export function agentRunError(error: AgentError): RunError {
  return {
    code: error.category,
    message: error.message,
    retryable: !AGENT_NOT_RETRYABLE.has(error.category),
    ...(error.cause === undefined ? {} : { cause: error.cause }),
  };
}

/** A run error from a workspace or hook failure; the message names what the data says. */
export function workspaceRunError(error: WorkspaceError): RunError {
  switch (error.kind) {
    case "workspace_escape":
      return { code: error.kind, message: `${error.path} is outside ${error.root}`, retryable: false };
    case "workspace_equals_root":
      return { code: error.kind, message: `${error.path} is the workspace root`, retryable: false };
    case "workspace_root_invalid":
      return { code: error.kind, message: `${error.root}: ${error.message}`, retryable: false };
    case "workspace_create_failed":
      return { code: error.kind, message: `${error.path}: ${error.message}`, retryable: true };
    case "host_unreachable":
      return { code: error.kind, message: `${error.host}: ${error.message}`, retryable: true };
    case "workspace_untrusted":
      return {
        code: error.kind,
        message: `${error.path} is ${error.reason.replace("_", " ")} (owner uid ${error.owner}, service uid ${error.serviceUid}, mode 0${error.mode.toString(8)})`,
        retryable: false,
      };
    case "hook_failed":
      return {
        code: error.kind,
        message: `${error.hook} exited ${error.exitCode ?? "by signal"}`,
        retryable: true,
      };
    case "hook_timeout":
      return { code: error.kind, message: `${error.hook} ran past ${error.timeoutMs}ms`, retryable: true };
    default: {
      const _exhaustive: never = error;
      throw new Error(`unhandled ${JSON.stringify(_exhaustive)}`);
    }
  }
}

/** A run error from a tracker failure (the re-check between turns). */
export function trackerRunError(error: TrackerError): RunError {
  return {
    code: error.category,
    message: error.message,
    retryable: error.retryable,
    ...(error.cause === undefined ? {} : { cause: error.cause }),
  };
}

/** The one-line form kept for string fields (`error`, `last_error`, log `reason`): `code: message`. */
export function describeRunError(error: RunError): string {
  return `${error.code}: ${error.message}`;
}

/** The JSON-safe part of a run error (no `cause`), as snapshots and the API show it. */
export type PublicRunError = Pick<RunError, "code" | "message" | "retryable">;

/** Strips `cause` (not JSON-safe, may hold internals) from a run error. */
export function publicRunError(error: RunError): PublicRunError {
  return { code: error.code, message: error.message, retryable: error.retryable };
}
