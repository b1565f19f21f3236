/** Portable tracker error categories (spec 11.4). */
export type TrackerErrorCategory =
  | "unsupported_tracker_kind"
  | "invalid_tracker_config"
  | "missing_tracker_secret"
  | "tracker_auth"
  | "tracker_request"
  | "tracker_status"
  | "tracker_response"
  | "tracker_pagination"
  | "tracker_rate_limited";

/** A tracker failure as a value; the orchestrator only relies on success versus failure. */
export interface TrackerError {
  readonly category: TrackerErrorCategory;
  readonly message: string;
  readonly retryable: boolean;
  /** When the provider said how long to wait (Retry-After, reset headers). */
  readonly retryAfterMs?: number;
  /** HTTP status, when there was one. */
  readonly status?: number;
  readonly cause?: unknown;
}

/** Why an agent session or turn failed (spec 10.6 plus the built-in agent's provider errors). */
export type AgentErrorCategory =
  | "agent_not_found"
  | "invalid_workspace_cwd"
  | "startup_failed"
  | "response_timeout"
  | "response_error"
  /** The turn ran past `agent.turn_timeout_ms` (a wall-clock limit the runner applies to every backend). */
  | "turn_timeout"
  | "turn_failed"
  /** The turn or session was stopped by its signal (reconciliation, stall, shutdown) — the one name for it. */
  | "turn_cancelled"
  | "process_exit"
  | "input_required"
  | "approval_required"
  | "model_auth"
  | "model_rate_limited"
  | "context_overflow"
  | "model_server_error";

/** An agent failure as a value. `input_required`/`approval_required` end the attempt as blocked. */
export interface AgentError {
  readonly category: AgentErrorCategory;
  readonly message: string;
  /** The question the agent asked, for blocked attempts. */
  readonly question?: string;
  readonly retryAfterMs?: number;
  readonly cause?: unknown;
}

/** Workspace refusals and failures carry data, not sentences. */
export type WorkspaceError =
  | { readonly kind: "workspace_escape"; readonly path: string; readonly root: string }
  | { readonly kind: "workspace_equals_root"; readonly path: string }
  | { readonly kind: "workspace_root_invalid"; readonly root: string; readonly message: string }
  | { readonly kind: "workspace_create_failed"; readonly path: string; readonly message: string }
  /** The root or workspace is owned by another user or writable by others (planted-script risk). */
  | {
      readonly kind: "workspace_untrusted";
      readonly path: string;
      readonly reason: "foreign_owner" | "group_writable" | "world_writable" | "not_a_directory";
      readonly owner: number;
      readonly serviceUid: number;
      readonly mode: number;
    }
  /** The worker host could not be reached (SSH connect/auth failure) before anything ran there. */
  | { readonly kind: "host_unreachable"; readonly host: string; readonly message: string }
  | {
      readonly kind: "hook_failed";
      readonly hook: HookName;
      readonly exitCode: number | null;
      readonly output: string;
    }
  | {
      readonly kind: "hook_timeout";
      readonly hook: HookName;
      readonly timeoutMs: number;
      readonly output: string;
    };

/** The four workspace lifecycle hooks (spec 5.3.4). */
export type HookName = "after_create" | "before_run" | "after_run" | "before_remove";

/** Coerces an unknown thrown value into a message, once, at a boundary. */
export function messageOf(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  if (typeof cause === "string") return cause;
  try {
    return JSON.stringify(cause) ?? String(cause);
  } catch {
    return String(cause);
  }
}
