import type { AgentEvent } from "../domain/agent-event.js";
import type { Logger } from "../domain/logger.js";
import type { RunningEntry, Totals } from "./state.js";

/** Timeline entries kept per running issue. */
export const RECENT_EVENTS = 20;
const MESSAGE_MAX = 140;

/** Strips ANSI sequences and control bytes and cuts a line for dashboards. */
function clean(text: string): string {
  const ESC = String.fromCharCode(27);
  let out = "";
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 27 && text[i + 1] === "[") {
      let j = i + 2;
      while (j < text.length && /[0-9;]/.test(text[j] ?? "")) j += 1;
      i = j + 1;
      continue;
    }
    out += code < 32 || code === 127 ? " " : text[i];
    i += 1;
  }
  const flat = out.replaceAll(ESC, "").replace(/ {2,}/g, " ").trim();
  return flat.length <= MESSAGE_MAX ? flat : `${flat.slice(0, MESSAGE_MAX - 1)}…`;
}

/** One human-readable line for an agent event. */
export function humanise(event: AgentEvent): string {
  switch (event.type) {
    case "session_started":
      return clean(`session started (${event.sessionId})`);
    case "startup_failed":
      return clean(`startup failed: ${event.message}`);
    case "turn_completed":
      return clean(`turn ${event.turn} completed${event.message ? `: ${event.message}` : ""}`);
    case "turn_failed":
      return clean(`turn ${event.turn} failed (${event.reason}): ${event.message}`);
    case "turn_cancelled":
      return clean(`turn ${event.turn} cancelled: ${event.message}`);
    case "token_usage":
      return `tokens in=${event.totals.inputTokens} out=${event.totals.outputTokens} total=${event.totals.totalTokens}`;
    case "rate_limits":
      return "rate limits updated";
    case "approval_auto_approved":
      return clean(`${event.kind} (auto-approved): ${event.summary}`);
    case "input_required":
      return clean(`waiting for ${event.kind.replace("_", " ")}: ${event.question}`);
    case "tool_call":
      return clean(`tool ${event.tool} ${event.ok ? "completed" : "failed"}: ${event.summary}`);
    case "notification":
      return clean(`${event.method}: ${event.summary}`);
    case "output":
      return clean(event.line);
    case "malformed":
      return clean(`malformed: ${event.line}`);
    default: {
      const never: never = event;
      return String(never);
    }
  }
}

/**
 * Folds one agent event into a running entry and the totals.
 * `token_usage` carries absolute session totals: only growth over the high-water mark is counted.
 */
export function applyAgentEvent(entry: RunningEntry, totals: Totals, event: AgentEvent, at: number): void {
  const message = humanise(event);
  entry.lastEvent = event.type;
  entry.lastMessage = message;
  entry.lastEventAt = at;
  if (isProgress(event)) entry.lastProgressAt = at;
  entry.recent.push({ at, event: event.type, message });
  if (entry.recent.length > RECENT_EVENTS) entry.recent.splice(0, entry.recent.length - RECENT_EVENTS);
  switch (event.type) {
    case "session_started":
      if (event.sessionId !== entry.sessionId) entry.turnCount += 1;
      entry.sessionId = event.sessionId;
      entry.threadId = event.threadId;
      entry.pid = event.pid;
      break;
    case "token_usage": {
      const next = event.totals;
      const dIn = Math.max(next.inputTokens - entry.reported.input, 0);
      const dOut = Math.max(next.outputTokens - entry.reported.output, 0);
      const dTotal = Math.max(next.totalTokens - entry.reported.total, 0);
      entry.reported.input = Math.max(entry.reported.input, next.inputTokens);
      entry.reported.output = Math.max(entry.reported.output, next.outputTokens);
      entry.reported.total = Math.max(entry.reported.total, next.totalTokens);
      entry.tokens.input += dIn;
      entry.tokens.output += dOut;
      entry.tokens.total += dTotal;
      totals.input += dIn;
      totals.output += dOut;
      totals.total += dTotal;
      break;
    }
    case "input_required":
      entry.input = { kind: event.kind, question: event.question };
      break;
    default:
      break;
  }
}

/**
 * Whether an event shows the agent making progress, for stall detection (spec 8.5). Protocol messages
 * count; stderr lines and unparseable lines do not, so a hung agent that keeps writing diagnostics
 * is still detected as stalled.
 */
export function isProgress(event: AgentEvent): boolean {
  if (event.type === "malformed") return false;
  return event.type !== "output" || event.stream === "stdout";
}

/** Logs an agent event: lifecycle, tools and questions at info; output and telemetry at debug. */
export function logAgentEvent(logger: Logger, event: AgentEvent): void {
  const fields = { event: event.type, detail: humanise(event) };
  switch (event.type) {
    case "output":
    case "notification":
    case "token_usage":
    case "rate_limits":
    case "malformed":
      logger.debug("agent event", fields);
      return;
    default:
      logger.info("agent event", fields);
  }
}
