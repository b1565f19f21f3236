import type { AgentEvent } from "../domain/agent-event.js";
import type { SkipReason } from "../domain/snapshot.js";

// ESC/CSI sequences plus every other C0/C1 control byte: strings from trackers and agents must not
// be able to move the cursor, change colours or inject lines in a terminal.
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control bytes is the point
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b[\]PX^_][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b./g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control bytes is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** One printable line: ANSI sequences removed, newlines/tabs/other controls turned into spaces, runs collapsed. */
export function oneLine(text: string): string {
  return text.replace(ANSI, "").replace(CONTROL, " ").replace(/ {2,}/g, " ").trim();
}

/** Cuts `text` to at most `max` characters, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (max <= 0) return "";
  if (text.length <= max) return text;
  if (max === 1) return "…";
  return `${text.slice(0, max - 1)}…`;
}

/** Pads or cuts `text` to exactly `width` characters. */
export function cell(text: string, width: number, align: "left" | "right" = "left"): string {
  const cut = truncate(text, width);
  return align === "left" ? cut.padEnd(width) : cut.padStart(width);
}

/** An integer with thousands separators: `12,345`. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** A compact duration: `45s`, `3m 05s`, `2h 04m`, `3d 4h`. Negative durations render as `0s`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${String(m).padStart(2, "0")}m`;
  if (m > 0) return `${m}m ${String(s).padStart(2, "0")}s`;
  return `${s}s`;
}

/** ISO-8601 UTC with second precision (`2026-01-01T00:00:00Z`), or null. */
export function isoSeconds(epochMs: number | null): string | null {
  if (epochMs === null) return null;
  return `${new Date(epochMs).toISOString().slice(0, 19)}Z`;
}

/** Flattens a JSON-ish record into `a.b=1 c=x` pairs (scalars only, depth ≤ 3), for one-line display. */
export function flattenRecord(value: Readonly<Record<string, unknown>>, prefix = "", depth = 0): string[] {
  const out: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    const name = prefix === "" ? key : `${prefix}.${key}`;
    if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") {
      out.push(`${name}=${oneLine(String(v))}`);
    } else if (typeof v === "object" && !Array.isArray(v) && depth < 2) {
      out.push(...flattenRecord(v as Record<string, unknown>, name, depth + 1));
    }
  }
  return out;
}

/** A one-line human summary of an agent event (observability only; nothing decides on it). */
export function summariseAgentEvent(event: AgentEvent): string {
  switch (event.type) {
    case "session_started":
      return `session started (${event.sessionId})`;
    case "startup_failed":
      return `startup failed: ${oneLine(event.message)}`;
    case "turn_completed":
      return `turn ${event.turn} completed${event.message === "" ? "" : `: ${oneLine(event.message)}`}`;
    case "turn_failed":
      return `turn ${event.turn} failed (${event.reason}): ${oneLine(event.message)}`;
    case "turn_cancelled":
      return `turn ${event.turn} cancelled: ${oneLine(event.message)}`;
    case "token_usage":
      return `tokens in ${formatCount(event.totals.inputTokens)} out ${formatCount(event.totals.outputTokens)} total ${formatCount(event.totals.totalTokens)}`;
    case "rate_limits":
      return `rate limits ${flattenRecord(event.rateLimits).join(" ")}`;
    case "approval_auto_approved":
      return `${event.kind} (auto-approved): ${oneLine(event.summary)}`;
    case "input_required":
      return `waiting for ${event.kind.replace("_", " ")}: ${oneLine(event.question)}`;
    case "tool_call":
      return `tool ${event.tool} ${event.ok ? "ok" : "failed"}: ${oneLine(event.summary)}`;
    case "notification":
      return oneLine(event.summary) || event.method;
    case "output":
      return `${event.stream}: ${oneLine(event.line)}`;
    case "malformed":
      return `malformed line (${event.reason}): ${oneLine(event.line)}`;
    default: {
      const _exhaustive: never = event;
      return String(_exhaustive);
    }
  }
}

/** One line saying why a candidate was not dispatched. */
export function describeSkip(reason: SkipReason, now: number): string {
  switch (reason.kind) {
    case "blocked_by":
      return `blocked by ${reason.blockers.map(oneLine).join(", ")}`;
    case "not_dispatchable":
      return "not dispatchable (tracker routing)";
    case "missing_labels":
      return `missing labels ${reason.labels.map(oneLine).join(", ")}`;
    case "state_not_active":
      return `state ${oneLine(reason.state)} is not active`;
    case "running":
      return "already running";
    case "claimed":
      return "already claimed";
    case "in_backoff":
      return `in backoff, due in ${formatDuration(reason.dueAt - now)}`;
    case "blocked_on_input":
      return "waiting for a person";
    case "no_global_slot":
      return `no free slot (max ${reason.limit})`;
    case "state_cap":
      return `state cap for ${oneLine(reason.state)} reached (max ${reason.limit})`;
    case "no_host_capacity":
      return "no worker host capacity";
    case "circuit_open":
      return `circuit open for ${reason.scope} (repeated provider failures)`;
    case "leased_elsewhere":
      return `leased by ${oneLine(reason.holder)} until ${formatDuration(reason.expiresAt - now)} from now`;
    case "store_unavailable":
      return `store unavailable, not dispatching: ${oneLine(reason.message)}`;
    default: {
      const _exhaustive: never = reason;
      return String(_exhaustive);
    }
  }
}
