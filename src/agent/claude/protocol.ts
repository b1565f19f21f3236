// The slice of Claude Code's stream-json dialect (`--output-format stream-json --input-format stream-json
// --verbose --permission-prompt-tool stdio`) that Symphony reads and writes. Observed against 2.1.328;
// everything else on the stream is kept as `other` and surfaced as a notification.

type Obj = Readonly<Record<string, unknown>>;

/** One content block of an assistant message. */
export type AssistantBlock =
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "thinking"; readonly text: string }
  | { readonly type: "tool_use"; readonly id: string; readonly name: string; readonly input: Obj };

/** A tool result the CLI fed back to the model. */
export interface ToolResultBlock {
  readonly toolUseId: string;
  readonly isError: boolean;
  readonly text: string;
}

/** Token counts as the CLI reports them (Anthropic's split: input excludes cache reads and writes). */
export interface ClaudeUsage {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheCreation: number;
}

/** The `result` line that closes every turn. */
export interface TurnResult {
  readonly subtype: string;
  readonly isError: boolean;
  readonly text: string;
  /** Running cost of the process's session so far (the CLI prices it itself). */
  readonly totalCostUsd: number | null;
  /** Cumulative per-session usage summed over models (`modelUsage`), or null when absent. */
  readonly cumulative: ClaudeUsage | null;
  readonly apiErrorStatus: number | null;
  readonly apiErrorType: string | null;
  readonly permissionDenials: readonly { readonly toolName: string; readonly input: Obj }[];
  readonly errors: readonly string[];
}

/** A request the CLI sends us on the control channel. */
export type ControlRequest =
  | {
      readonly subtype: "can_use_tool";
      readonly toolName: string;
      readonly input: Obj;
      readonly reason: string;
    }
  | { readonly subtype: "other"; readonly name: string };

/** One parsed stdout line. */
export type StreamMessage =
  /** `system/init`: sent at the start of every turn. */
  | { readonly type: "init"; readonly sessionId: string; readonly model: string | null }
  /** `system/api_retry`: the CLI will retry a failed model call. */
  | {
      readonly type: "api_retry";
      readonly attempt: number;
      readonly maxRetries: number;
      readonly status: number | null;
      readonly error: string;
      readonly delayMs: number;
    }
  | { readonly type: "assistant"; readonly blocks: readonly AssistantBlock[]; readonly subagent: boolean }
  | { readonly type: "tool_results"; readonly results: readonly ToolResultBlock[] }
  | ({ readonly type: "result" } & TurnResult)
  /** Subscription rate-limit status (`rate_limit_event`), kept whole. */
  | { readonly type: "rate_limit"; readonly info: Obj }
  | { readonly type: "control_request"; readonly requestId: string; readonly request: ControlRequest }
  | {
      readonly type: "control_response";
      readonly requestId: string;
      readonly ok: boolean;
      readonly error: string;
    }
  /** Anything else (`system/status`, hook events, …): its type and subtype only. */
  | { readonly type: "other"; readonly kind: string };

function obj(value: unknown): Obj | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Obj) : null;
}

function str(value: unknown, fallback = ""): string {
  return typeof value === "string" ? value : fallback;
}

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part) => str(obj(part)?.text))
    .filter((t) => t !== "")
    .join("\n");
}

function blocksOf(content: unknown): AssistantBlock[] {
  const out: AssistantBlock[] = [];
  for (const raw of Array.isArray(content) ? content : []) {
    const b = obj(raw);
    if (b === null) continue;
    if (b.type === "text") out.push({ type: "text", text: str(b.text) });
    else if (b.type === "thinking") out.push({ type: "thinking", text: str(b.thinking) });
    else if (b.type === "tool_use")
      out.push({ type: "tool_use", id: str(b.id), name: str(b.name, "?"), input: obj(b.input) ?? {} });
  }
  return out;
}

function usageOf(modelUsage: unknown): ClaudeUsage | null {
  const models = obj(modelUsage);
  if (models === null || Object.keys(models).length === 0) return null;
  let input = 0;
  let output = 0;
  let cacheRead = 0;
  let cacheCreation = 0;
  for (const raw of Object.values(models)) {
    const m = obj(raw);
    if (m === null) continue;
    input += num(m.inputTokens) ?? 0;
    output += num(m.outputTokens) ?? 0;
    cacheRead += num(m.cacheReadInputTokens) ?? 0;
    cacheCreation += num(m.cacheCreationInputTokens) ?? 0;
  }
  return { input, output, cacheRead, cacheCreation };
}

function resultOf(m: Obj): TurnResult {
  const denials = Array.isArray(m.permission_denials) ? m.permission_denials : [];
  return {
    subtype: str(m.subtype, "success"),
    isError: m.is_error === true,
    text: str(m.result),
    totalCostUsd: num(m.total_cost_usd),
    cumulative: usageOf(m.modelUsage),
    apiErrorStatus: num(m.api_error_status),
    apiErrorType: typeof m.api_error_type === "string" ? m.api_error_type : null,
    permissionDenials: denials.map((d) => ({
      toolName: str(obj(d)?.tool_name, "?"),
      input: obj(obj(d)?.tool_input) ?? {},
    })),
    errors: Array.isArray(m.errors) ? m.errors.map((e) => str(e)).filter((e) => e !== "") : [],
  };
}

function controlRequestOf(request: Obj | null): ControlRequest {
  if (request?.subtype === "can_use_tool") {
    return {
      subtype: "can_use_tool",
      toolName: str(request.tool_name, "?"),
      input: obj(request.input) ?? {},
      reason: str(request.decision_reason) || str(request.description),
    };
  }
  return { subtype: "other", name: str(request?.subtype, "?") };
}

/** Parses one stdout line; `null` when it is not a JSON object with a string `type`. */
export function parseStreamLine(line: string): StreamMessage | null {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return null;
  }
  const m = obj(raw);
  if (m === null || typeof m.type !== "string") return null;
  switch (m.type) {
    case "system":
      if (m.subtype === "init") {
        return { type: "init", sessionId: str(m.session_id), model: str(m.model) || null };
      }
      if (m.subtype === "api_retry") {
        return {
          type: "api_retry",
          attempt: num(m.attempt) ?? 0,
          maxRetries: num(m.max_retries) ?? 0,
          status: num(m.error_status),
          error: str(m.error),
          delayMs: num(m.retry_delay_ms) ?? 0,
        };
      }
      return { type: "other", kind: `system/${str(m.subtype, "?")}` };
    case "assistant": {
      const message = obj(m.message);
      return {
        type: "assistant",
        blocks: blocksOf(message?.content),
        subagent: m.parent_tool_use_id != null,
      };
    }
    case "user": {
      const content = obj(m.message)?.content;
      const results: ToolResultBlock[] = [];
      for (const raw of Array.isArray(content) ? content : []) {
        const b = obj(raw);
        if (b?.type !== "tool_result") continue;
        results.push({
          toolUseId: str(b.tool_use_id),
          isError: b.is_error === true,
          text: textOf(b.content),
        });
      }
      return results.length > 0 ? { type: "tool_results", results } : { type: "other", kind: "user" };
    }
    case "result":
      return { type: "result", ...resultOf(m) };
    case "rate_limit_event":
      return { type: "rate_limit", info: obj(m.rate_limit_info) ?? {} };
    case "control_request":
      return {
        type: "control_request",
        requestId: str(m.request_id),
        request: controlRequestOf(obj(m.request)),
      };
    case "control_response": {
      const response = obj(m.response);
      return {
        type: "control_response",
        requestId: str(response?.request_id),
        ok: response?.subtype === "success",
        error: str(response?.error),
      };
    }
    default:
      return { type: "other", kind: m.type };
  }
}

/** The stdin line that starts a turn. */
export function userMessageLine(prompt: string): string {
  return `${JSON.stringify({ type: "user", message: { role: "user", content: prompt } })}\n`;
}

/** A control request line we send (`initialize`, `interrupt`). */
export function controlRequestLine(requestId: string, subtype: "initialize" | "interrupt"): string {
  return `${JSON.stringify({ type: "control_request", request_id: requestId, request: { subtype } })}\n`;
}

/** The answer to a `can_use_tool` request. */
export function permissionAnswerLine(
  requestId: string,
  answer: { readonly allow: true; readonly input: Obj } | { readonly allow: false; readonly message: string },
): string {
  const response = answer.allow
    ? { behavior: "allow", updatedInput: answer.input }
    : { behavior: "deny", message: answer.message, interrupt: true };
  return `${JSON.stringify({ type: "control_response", response: { subtype: "success", request_id: requestId, response } })}\n`;
}

/** An error answer to a control request we do not handle (so the CLI never waits on us). */
export function controlErrorLine(requestId: string, message: string): string {
  return `${JSON.stringify({ type: "control_response", response: { subtype: "error", request_id: requestId, error: message } })}\n`;
}
