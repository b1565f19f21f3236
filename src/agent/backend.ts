import type { AgentEvent } from "../domain/agent-event.js";
import type { AgentError } from "../domain/errors.js";
import type { Issue } from "../domain/issue.js";
import type { Logger } from "../domain/logger.js";
import type { Result } from "../domain/result.js";
import type { Host } from "../hosts/host.js";
import type { ToolBinding } from "../tracker/adapter.js";

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
}

/** Per-turn input. */
export interface TurnInput {
  readonly issue: Issue;
  /** 1-based turn number within this session. */
  readonly turn: number;
  readonly maxTurns: number;
}

/** A live agent session: one conversation/thread reused across continuation turns. */
export interface AgentSession {
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
