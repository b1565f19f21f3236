import type { AgentEvent } from "../domain/agent-event.js";
import type { AgentError } from "../domain/errors.js";
import type { Issue } from "../domain/issue.js";
import type { Logger } from "../domain/logger.js";
import type { Result } from "../domain/result.js";
import type { Host } from "../hosts/host.js";
import type { ToolBinding } from "../tracker/adapter.js";
import { TimeoutElapsed } from "../util/clock.js";

/** Everything a backend needs to open a session for one worker attempt. */
export interface StartSessionOptions {
  readonly host: Host;
  /** Absolute, contained per-issue workspace path; the agent's cwd. */
  readonly workspacePath: string;
  readonly issue: Issue;
  /** Tracker tools bound for this session (may have no specs). */
  readonly tools: ToolBinding;
  /** Child environment, already stripped of tracker secrets. */
  readonly env: Readonly<Record<string, string>>;
  /** Every event the backend observes; never throws back into the backend. */
  readonly onEvent: (event: AgentEvent) => void;
  /** Aborted on shutdown, reconciliation or stall; must reach the child process / HTTP stream. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** A conversation to continue (a codex thread id …) instead of starting a new one, where the backend can. */
  readonly resumeThreadId?: string | null;
}

/** Per-turn input. */
export interface TurnInput {
  readonly issue: Issue;
  /** 1-based turn number within this session. */
  readonly turn: number;
  readonly maxTurns: number;
  /**
   * Aborted when this turn must stop: the run was cancelled or the runner's turn timeout elapsed
   * (reason {@link TimeoutElapsed}). Backends end the turn with {@link turnStopError} and keep no turn timer.
   */
  readonly signal: AbortSignal;
}

/** The error of a turn ended by its signal: `turn_timeout` when the runner's limit ran out, else `turn_cancelled`. */
export function turnStopError(signal: AbortSignal): AgentError {
  const reason: unknown = signal.reason;
  if (reason instanceof TimeoutElapsed) {
    return { category: "turn_timeout", message: `turn still running after ${reason.timeoutMs}ms` };
  }
  return { category: "turn_cancelled", message: `turn cancelled (${describeReason(reason)})` };
}

/** The event that closes a turn ended by {@link turnStopError}. */
export function turnStopEvent(
  turn: number,
  error: AgentError,
):
  | { readonly type: "turn_failed"; readonly turn: number; readonly reason: string; readonly message: string }
  | { readonly type: "turn_cancelled"; readonly turn: number; readonly message: string } {
  return error.category === "turn_cancelled"
    ? { type: "turn_cancelled", turn, message: error.message }
    : { type: "turn_failed", turn, reason: error.category, message: error.message };
}

function describeReason(reason: unknown): string {
  if (reason === undefined) return "stopped";
  if (typeof reason === "string") return reason;
  if (reason instanceof Error) return reason.message;
  return String(reason);
}

/** A live agent session: one conversation/thread reused across continuation turns. */
export interface AgentSession {
  /** True when the session continues the conversation named by `resumeThreadId` (its history is there). */
  readonly resumed?: boolean;
  /** Runs one turn to its end; `input_required`/`approval_required` errors mean the attempt is blocked. */
  runTurn(prompt: string, input: TurnInput): Promise<Result<void, AgentError>>;
  /** Ends the session and everything it started; idempotent. */
  stop(): Promise<void>;
}

/** A coding-agent implementation (codex app-server, built-in LLM agent, command). */
export interface AgentBackend {
  readonly name: string;
  startSession(options: StartSessionOptions): Promise<Result<AgentSession, AgentError>>;
}

/** Builds a backend from one config snapshot. */
export type BackendFactory = (
  config: import("../config/types.js").ServiceConfig,
  deps: { readonly logger: Logger },
) => AgentBackend;
