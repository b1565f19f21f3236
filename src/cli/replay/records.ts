import type { AgentEvent, AgentEventType } from "../../domain/agent-event.js";

/** One line of a `<runId>.events.jsonl` as the run-log recorder writes it. */
export interface EventRecord {
  /** Epoch ms parsed from `received_at`. */
  readonly receivedAt: number;
  readonly issueId: string;
  readonly issueIdentifier: string;
  readonly runId: string;
  readonly event: AgentEvent;
}

/** A line that could not be read, by its 1-based line number. */
export interface CorruptLine {
  readonly line: number;
  readonly reason: string;
}

const EVENT_TYPES: ReadonlySet<AgentEventType> = new Set<AgentEventType>([
  "session_started",
  "startup_failed",
  "turn_completed",
  "turn_failed",
  "turn_cancelled",
  "token_usage",
  "rate_limits",
  "approval_auto_approved",
  "input_required",
  "tool_call",
  "notification",
  "output",
  "malformed",
]);

const CAP_MARKER = /^\[log capped at \d+ bytes; later output dropped\]$/;

/**
 * Parses one events line: a record, a corrupt-line reason, or null for lines that are not events by
 * design (blank, the size-cap marker). The event body is trusted once its `type` is known (the file
 * is our own output); only the envelope is checked field by field.
 */
export function parseEventLine(text: string): EventRecord | { readonly corrupt: string } | null {
  if (text.trim() === "" || CAP_MARKER.test(text)) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { corrupt: "not JSON" };
  }
  if (typeof value !== "object" || value === null) return { corrupt: "not a JSON object" };
  const v = value as Record<string, unknown>;
  const receivedAt = typeof v.received_at === "string" ? Date.parse(v.received_at) : Number.NaN;
  if (Number.isNaN(receivedAt)) return { corrupt: "received_at missing or not a timestamp" };
  const event = v.event as Record<string, unknown> | null | undefined;
  if (typeof event !== "object" || event === null || typeof event.type !== "string") {
    return { corrupt: "event missing or without a type" };
  }
  if (!EVENT_TYPES.has(event.type as AgentEventType)) return { corrupt: `unknown event type ${event.type}` };
  return {
    receivedAt,
    issueId: typeof v.issue_id === "string" ? v.issue_id : "",
    issueIdentifier: typeof v.issue_identifier === "string" ? v.issue_identifier : "",
    runId: typeof v.run_id === "string" ? v.run_id : "",
    event: event as unknown as AgentEvent,
  };
}
