import type { AgentToolSpec, ToolResult } from "../domain/agent-event.js";
import type { TrackerError } from "../domain/errors.js";
import type { Issue, TrackerComment } from "../domain/issue.js";
import type { Result } from "../domain/result.js";

/** Context for a provider-native tool call: the issue being worked, never the credential. */
export interface ToolContext {
  readonly issue: Issue;
  readonly signal: AbortSignal;
}

/** One inbound webhook delivery as received: lowercase header names and the raw, unparsed body. */
export interface WebhookRequest {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
  /** Query parameters of the target URL (a provider that cannot sign a request may carry a token there). */
  readonly query?: Readonly<Record<string, string>>;
}

/** A verified webhook delivery: its provider delivery id (for de-duplication) and whether it concerns issues. */
export interface WebhookVerdict {
  readonly deliveryId: string | null;
  readonly relevant: boolean;
  /** Headers to echo in the reply instead of acting on the delivery (a subscription handshake). */
  readonly handshake?: Readonly<Record<string, string>>;
}

/**
 * The read kernel every tracker implements (spec 11.1) plus optional agent tools (spec 10.5).
 * Built from one config snapshot; the orchestrator never sees provider payloads.
 */
export interface TrackerAdapter {
  readonly kind: string;
  /** Issues in the given states (empty input → empty result, no request). */
  fetchIssuesByStates(states: readonly string[], signal: AbortSignal): Promise<Result<Issue[], TrackerError>>;
  /** Current snapshots for the given ids; ids no longer visible are omitted (empty input → no request). */
  fetchIssuesByIds(ids: readonly string[], signal: AbortSignal): Promise<Result<Issue[], TrackerError>>;
  /** Tools advertised to agent sessions bound to this adapter. */
  toolSpecs(): readonly AgentToolSpec[];
  /** Executes one advertised tool host-side; failures are results, never throws. */
  executeTool(name: string, args: unknown, context: ToolContext): Promise<ToolResult>;
  /** Environment variable names holding tracker secrets; removed from every child environment. */
  secretEnvNames(): readonly string[];
  /** Latest provider rate-limit figures for dashboards, if the provider reports any. */
  rateLimits(): Readonly<Record<string, unknown>> | null;
  /** Releases sockets, watchers and timers. */
  close(): Promise<void>;
  /**
   * Posts a comment on an issue as Symphony itself (a limit parked it, its work was rescued); absent
   * when the adapter cannot comment. Failures are values.
   */
  addComment?(issueId: string, body: string, signal: AbortSignal): Promise<Result<void, TrackerError>>;
  /**
   * Comments on an issue, oldest first, with their authors (to find a person's answer to a question
   * Symphony asked there); absent when the adapter cannot read comments. Failures are values.
   */
  listComments?(issueId: string, signal: AbortSignal): Promise<Result<TrackerComment[], TrackerError>>;
  /**
   * Moves an issue to a state by name (a hand-off, publishing); absent when Symphony cannot move issues
   * of this tracker itself. Failures are values.
   */
  moveIssue?(issueId: string, state: string, signal: AbortSignal): Promise<Result<void, TrackerError>>;
  /**
   * Checks a webhook delivery's provider signature on the raw body (constant time, replay window where
   * the provider sends a timestamp). The error is a short reason, safe to log (no secret, no body).
   */
  verifyWebhook?(request: WebhookRequest, secret: string): Result<WebhookVerdict, string>;
}

/** Tool specs and executor bound to one session (a reload never changes an in-flight session's tools). */
export interface ToolBinding {
  readonly specs: readonly AgentToolSpec[];
  execute(name: string, args: unknown, context: ToolContext): Promise<ToolResult>;
}

/** The failure result for a tool name nobody offers; it names the tools that exist. */
export function unsupportedToolResult(name: unknown, supportedTools: readonly string[]): ToolResult {
  return {
    success: false,
    output: {
      error: { message: `Unsupported tool: ${JSON.stringify(name)}.`, supportedTools: [...supportedTools] },
    },
  };
}

/**
 * Posts a comment as Symphony without waiting for it: trackers that cannot comment are skipped, and a
 * failure (a value or a throw) goes to `onFailure` with a message, never back to the caller.
 */
export function postComment(
  adapter: TrackerAdapter,
  issueId: string,
  body: string,
  signal: AbortSignal,
  onFailure: (message: string) => void,
): void {
  const comment = adapter.addComment;
  if (comment === undefined) return;
  void comment
    .call(adapter, issueId, body, signal)
    .then((result) => {
      if (!result.ok) onFailure(result.error.message);
    })
    .catch((cause: unknown) => onFailure(cause instanceof Error ? cause.message : String(cause)));
}

/** Binds an adapter's tools for one session; unknown tool names fail with the supported list. */
export function bindTools(adapter: TrackerAdapter): ToolBinding {
  const specs = adapter.toolSpecs();
  const names = new Set(specs.map((s) => s.name));
  return {
    specs,
    async execute(name, args, context) {
      if (!names.has(name)) return unsupportedToolResult(name, [...names]);
      return adapter.executeTool(name, args, context);
    },
  };
}
