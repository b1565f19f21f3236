import type { TokenCounts } from "../../domain/agent-event.js";
import type { AgentError } from "../../domain/errors.js";
import { oneLine } from "../../util/one-line.js";
import { TOOL_SERVER_NAME } from "../mcp/tool-server.js";
import type { ClaudeUsage, TurnResult } from "./protocol.js";

type Obj = Readonly<Record<string, unknown>>;

function field(input: Obj, ...names: string[]): string {
  for (const name of names) {
    const v = input[name];
    if (typeof v === "string" && v !== "") return v;
  }
  return "";
}

/** Claude Code names MCP tools `mcp__<server>__<tool>`; Symphony's own server is this one. */
export const MCP_SERVER_NAME = TOOL_SERVER_NAME;

/** A tool call as one dashboard line: the tool and the argument that says what it does. */
export function toolSummary(name: string, input: Obj): string {
  const mcp = /^mcp__(.+?)__(.+)$/.exec(name);
  if (mcp !== null) {
    const [, server, tool] = mcp;
    const label = server === MCP_SERVER_NAME ? `${tool}` : `${tool} (${server})`;
    return oneLine(`${label}: ${JSON.stringify(input)}`);
  }
  const key = field(
    input,
    "command",
    "file_path",
    "notebook_path",
    "pattern",
    "url",
    "query",
    "path",
    "prompt",
  );
  return oneLine(key === "" ? `${name}: ${JSON.stringify(input)}` : `${name}: ${key}`);
}

/**
 * Absolute session totals from the CLI's cumulative per-model usage. Anthropic counts cache reads and cache
 * writes apart from `input_tokens`; Symphony's input is all three, and `cachedInputTokens` the reads.
 */
export function tokenTotals(usage: ClaudeUsage, costUsd: number | null): TokenCounts {
  const input = usage.input + usage.cacheRead + usage.cacheCreation;
  return {
    inputTokens: input,
    outputTokens: usage.output,
    totalTokens: input + usage.output,
    ...(usage.cacheRead > 0 ? { cachedInputTokens: usage.cacheRead } : {}),
    ...(costUsd !== null ? { costUsd } : {}),
  };
}

/** How a `result` line ends the turn: null = completed, else the failure. */
export function turnFailure(result: TurnResult): AgentError | null {
  if (!result.isError && result.subtype === "success") return null;
  const message = oneLine(result.text || result.errors.join("; ") || result.subtype, 500);
  const status = result.apiErrorStatus;
  if (status === 401 || status === 403 || result.apiErrorType === "authentication_error") {
    return { category: "model_auth", message };
  }
  if (status === 429 || result.apiErrorType === "rate_limit_error") {
    return { category: "model_rate_limited", message };
  }
  if ((status !== null && status >= 500) || result.apiErrorType === "overloaded_error") {
    return { category: "model_server_error", message };
  }
  if (result.subtype === "error_max_turns") {
    return { category: "turn_failed", message: `claude.max_turns reached: ${message}` };
  }
  return { category: "turn_failed", message };
}
