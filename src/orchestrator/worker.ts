import type { AgentEvent } from "../domain/agent-event.js";
import type { Issue } from "../domain/issue.js";
import type { RunError } from "../domain/run-error.js";
import type { LoadedWorkflow } from "../workflow/types.js";
import type { HookReport } from "../workspace/hooks.js";
import type { ResumeWith } from "./state.js";

/** How a worker attempt ended; `outcome` is a `RunOutcome` (the runner never reports `stalled`). */
export type WorkerExit =
  | /** The turn loop finished (issue left the active states, or max turns). */ {
      readonly outcome: "completed";
      readonly turns: number;
    }
  | /** Workspace, hook, prompt, session or turn failure; retried with backoff. */ {
      readonly outcome: "failed";
      readonly error: RunError;
      /** The host could not be reached before anything ran there; the retry may use another host. */
      readonly hostUnreachable?: boolean;
    }
  | /** A turn ran past the turn timeout; retried with backoff like a failure. */ {
      readonly outcome: "timed_out";
      readonly error: RunError;
    }
  | /** The agent asked for a person; the issue is parked as blocked. */ {
      readonly outcome: "blocked";
      readonly kind: "user_input" | "approval" | "elicitation";
      readonly question: string;
    }
  | /** The run signal was aborted (reconciliation, stall, shutdown). */ {
      readonly outcome: "cancelled";
      readonly reason: string;
    };

/** One worker attempt as the orchestrator requests it. */
export interface WorkerRequest {
  readonly issue: Issue;
  /** Null on a first dispatch, the retry attempt number afterwards. */
  readonly attempt: number | null;
  readonly runId: string;
  /** The host this attempt runs on: `local` or an SSH destination from `worker.ssh_hosts`. */
  readonly host: string;
  /** The workflow (config + prompt) this attempt runs with; a reload does not change it mid-run. */
  readonly workflow: LoadedWorkflow;
  /** Aborted when the orchestrator stops the run. */
  readonly signal: AbortSignal;
  /** Aborted when even cleanup hooks must stop (shutdown grace expired). */
  readonly cleanupSignal: AbortSignal;
  readonly onEvent: (event: AgentEvent) => void;
  readonly onHook: (report: HookReport) => void;
  readonly onWorkspace: (path: string) => void;
  /** A person's answer (from the tracker) this attempt starts with, resuming the asking session. */
  readonly resume?: ResumeWith | null;
}

/** Starts a worker attempt; the promise settles when the attempt (including `after_run`) is over. */
export type WorkerLauncher = (request: WorkerRequest) => Promise<WorkerExit>;
