import type { TokenCounts } from "../../domain/agent-event.js";

import { oneLine } from "../../util/one-line.js";

type Obj = Readonly<Record<string, unknown>>;

function obj(value: unknown): Obj | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Obj) : null;
}

function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/**
 * Absolute thread token totals from `thread/tokenUsage/updated` (`tokenUsage.total`, cumulative across
 * turns). `tokenUsage.last` is per-response and is never used, so nothing is counted twice.
 */
export function tokenTotals(params: unknown): TokenCounts | null {
  const total = obj(obj(obj(params)?.tokenUsage)?.total);
  if (total === null) return null;
  const n = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : null);
  const input = n(total.inputTokens);
  const output = n(total.outputTokens);
  const sum = n(total.totalTokens);
  const cached = n(total.cachedInputTokens);
  if (input === null && output === null && sum === null) return null;
  return {
    inputTokens: input ?? 0,
    outputTokens: output ?? 0,
    totalTokens: sum ?? (input ?? 0) + (output ?? 0),
    ...(cached === null || cached === 0 ? {} : { cachedInputTokens: cached }),
  };
}

/** The `rateLimits` snapshot of `account/rateLimits/updated`, or null when it carries no figures. */
export function rateLimitsOf(params: unknown): Obj | null {
  const limits = obj(obj(params)?.rateLimits);
  if (limits === null) return null;
  const informative = ["primary", "secondary", "credits", "limitId", "limitName"].some(
    (k) => limits[k] !== null && limits[k] !== undefined,
  );
  return informative ? limits : null;
}

function describeItem(item: Obj | null): string {
  if (item === null) return "item";
  const type = str(item.type) ?? "item";
  switch (type) {
    case "commandExecution": {
      const cmd = str(item.command) ?? "";
      const exit = typeof item.exitCode === "number" ? ` (exit ${item.exitCode})` : "";
      const status = str(item.status);
      return `command ${status === "completed" || status === null ? "" : `${status} `}${cmd}${exit}`;
    }
    case "agentMessage":
      return `agent: ${str(item.text) ?? ""}`;
    case "dynamicToolCall":
    case "mcpToolCall":
      return `tool ${str(item.tool) ?? "?"} ${str(item.status) ?? ""}`;
    case "fileChange": {
      const changes = Array.isArray(item.changes) ? item.changes.length : 0;
      return `file change (${changes} file${changes === 1 ? "" : "s"}) ${str(item.status) ?? ""}`;
    }
    case "reasoning":
      return "reasoning";
    case "userMessage":
      return "prompt sent";
    default:
      return type;
  }
}

/** A humanised one-line summary of any app-server notification, for logs and dashboards. */
export function summarise(method: string, params: unknown): string {
  const p = obj(params);
  switch (method) {
    case "turn/started":
      return "turn started";
    case "turn/completed": {
      const turn = obj(p?.turn);
      const status = str(turn?.status) ?? "?";
      const error = str(obj(turn?.error)?.message);
      return oneLine(`turn ${status}${error ? `: ${error}` : ""}`);
    }
    case "item/started":
      return oneLine(`started ${describeItem(obj(p?.item))}`);
    case "item/completed":
      return oneLine(describeItem(obj(p?.item)));
    case "item/agentMessage/delta":
      return oneLine(`agent typing: ${str(p?.delta) ?? ""}`);
    case "item/commandExecution/outputDelta":
      return oneLine(`output: ${str(p?.delta) ?? ""}`);
    case "item/reasoning/summaryTextDelta":
    case "item/reasoning/textDelta":
      return oneLine(`thinking: ${str(p?.delta) ?? ""}`);
    case "thread/tokenUsage/updated": {
      const t = tokenTotals(params);
      return t === null
        ? "token usage"
        : `tokens in=${t.inputTokens} out=${t.outputTokens} total=${t.totalTokens}`;
    }
    case "thread/status/changed":
      return oneLine(`thread ${str(obj(p?.status)?.type) ?? "?"}`);
    case "error": {
      const message = str(obj(p?.error)?.message) ?? "error";
      return oneLine(`${p?.willRetry === true ? "retrying: " : "error: "}${message}`);
    }
    case "warning":
    case "configWarning":
    case "guardianWarning":
    case "deprecationNotice":
      return oneLine(`${method}: ${str(p?.message) ?? str(p?.summary) ?? ""}`);
    case "turn/plan/updated":
      return "plan updated";
    case "turn/diff/updated":
      return "diff updated";
    case "serverRequest/resolved":
      return "request resolved";
    default:
      return method;
  }
}
