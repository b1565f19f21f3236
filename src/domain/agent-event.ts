/** Token counts; for `token_usage` events these are absolute totals for the session so far. */
export interface TokenCounts {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly totalTokens: number;
  /** Part of the input served from the provider's prompt cache, when the backend reports it. */
  readonly cachedInputTokens?: number;
  /** The session's cost so far in US dollars, when the agent prices its own usage (Claude Code does). */
  readonly costUsd?: number;
}

/** Fields every agent event carries. */
interface EventBase {
  /** Epoch ms when the backend saw it (informational; the orchestrator stamps receipt with its Clock). */
  readonly at: number;
}

/**
 * Everything an agent backend reports, as one discriminated union on `type`.
 * Backends translate their protocol into it; the orchestrator, logs and dashboards consume only this.
 */
export type AgentEvent = EventBase &
  (
    | /** A session (thread) and turn are live; `sessionId` is `<threadId>-<turnId>`. */
    {
        readonly type: "session_started";
        readonly sessionId: string;
        readonly threadId: string;
        readonly turnId: string;
        readonly pid: string | null;
        /** The model serving the session, when the backend knows it (prices token usage). */
        readonly model?: string | null;
      } /** The session could not be started (handshake failure, binary missing). */
    | { readonly type: "startup_failed"; readonly message: string } /** A turn finished normally. */
    | {
        readonly type: "turn_completed";
        readonly turn: number;
        readonly message: string;
      } /** A turn failed (protocol failure, timeout, process exit, provider error). */
    | {
        readonly type: "turn_failed";
        readonly turn: number;
        readonly reason: string;
        readonly message: string;
      } /** A turn was cancelled (interrupt, shutdown, reconciliation). */
    | {
        readonly type: "turn_cancelled";
        readonly turn: number;
        readonly message: string;
      } /** Absolute token totals for this session; the orchestrator counts only the growth. */
    | {
        readonly type: "token_usage";
        readonly totals: TokenCounts;
      } /** The latest rate-limit payload the agent or model exposed, kept whole. */
    | {
        readonly type: "rate_limits";
        readonly rateLimits: Readonly<Record<string, unknown>>;
      } /** An approval the session policy answered on its own. */
    | {
        readonly type: "approval_auto_approved";
        readonly kind: string;
        readonly summary: string;
      } /** The agent needs a person (user input, approval under a non-`never` policy, MCP elicitation). */
    | {
        readonly type: "input_required";
        readonly kind: "user_input" | "approval" | "elicitation";
        readonly question: string;
      } /** A tool call finished (dynamic tracker tools, built-in agent tools). */
    | {
        readonly type: "tool_call";
        readonly tool: string;
        readonly ok: boolean;
        readonly summary: string;
      } /** Any other protocol notification, humanised to one line for the dashboards. */
    | {
        readonly type: "notification";
        readonly method: string;
        readonly summary: string;
      } /** A line of agent output that is not protocol (command backend stdout/stderr, codex stderr). */
    | {
        readonly type: "output";
        readonly stream: "stdout" | "stderr";
        readonly line: string;
      } /** A protocol line that could not be parsed (truncated copy). */
    | { readonly type: "malformed"; readonly line: string; readonly reason: string }
  );

/** The `type` tags of {@link AgentEvent}. */
export type AgentEventType = AgentEvent["type"];

/** A tool the agent may call, described by a JSON Schema for its input. */
export interface AgentToolSpec {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: Readonly<Record<string, unknown>>;
}

/** The result of a tool call: success flag plus JSON-safe output the model can read. */
export interface ToolResult {
  readonly success: boolean;
  readonly output: unknown;
}
