import type { RunError } from "../domain/run-error.js";
import type {
  AttemptOutcome,
  AttemptRecord,
  BlockedRecord,
  LeaseRecord,
  RetryRecord,
} from "../domain/run-record.js";
import { num, numOrNull, type SqlRow, type SqlValue, textOrNull } from "./sql-driver.js";

/** Column list of `attempts`, in the order {@link attemptArgs} binds them. */
export const ATTEMPT_COLUMNS =
  "run_id, issue_id, identifier, attempt, backend, host, worker_id, started_at, ended_at, outcome, error_code, error_message, turns, input_tokens, output_tokens, total_tokens, cost_usd, session_id, workspace_path, log_path, events_path";

/** The values of an attempt row. */
export function attemptArgs(r: AttemptRecord): SqlValue[] {
  return [
    r.runId,
    r.issueId,
    r.identifier,
    r.attempt,
    r.backend,
    r.host,
    r.workerId,
    r.startedAt,
    r.endedAt,
    r.outcome,
    r.error?.code ?? null,
    r.error?.message ?? null,
    r.turns,
    r.tokens.inputTokens,
    r.tokens.outputTokens,
    r.tokens.totalTokens,
    r.costUsd,
    r.sessionId,
    r.workspacePath,
    r.logPath,
    r.eventsPath,
  ];
}

/** An attempt row as a record. */
export function attemptFromRow(row: SqlRow): AttemptRecord {
  const code = textOrNull(row.error_code);
  return {
    runId: String(row.run_id),
    issueId: String(row.issue_id),
    identifier: String(row.identifier),
    attempt: numOrNull(row.attempt),
    backend: String(row.backend),
    host: String(row.host),
    workerId: String(row.worker_id),
    startedAt: num(row.started_at),
    endedAt: numOrNull(row.ended_at),
    outcome: textOrNull(row.outcome) as AttemptOutcome | null,
    error: code === null ? null : { code, message: textOrNull(row.error_message) ?? "" },
    turns: num(row.turns),
    tokens: {
      inputTokens: num(row.input_tokens),
      outputTokens: num(row.output_tokens),
      totalTokens: num(row.total_tokens),
    },
    costUsd: numOrNull(row.cost_usd),
    sessionId: textOrNull(row.session_id),
    workspacePath: textOrNull(row.workspace_path),
    logPath: textOrNull(row.log_path),
    eventsPath: textOrNull(row.events_path),
  };
}

/** The stored JSON of a run error (code, message, retryable); plain text from elsewhere is kept as a message. */
export function runErrorOf(text: string | null): RunError | null {
  if (text === null) return null;
  try {
    const parsed = JSON.parse(text) as Partial<RunError>;
    if (typeof parsed.code === "string" && typeof parsed.message === "string") {
      return { code: parsed.code, message: parsed.message, retryable: parsed.retryable !== false };
    }
  } catch {
    // not JSON: fall through
  }
  return { code: "unknown", message: text, retryable: true };
}

/** A run error as stored (its `cause` stays in memory). */
export function runErrorText(error: RunError | null): string | null {
  return error === null
    ? null
    : JSON.stringify({ code: error.code, message: error.message, retryable: error.retryable });
}

/** A retry_queue row as a record. */
export function retryFromRow(row: SqlRow): RetryRecord {
  return {
    issueId: String(row.issue_id),
    identifier: String(row.identifier),
    url: textOrNull(row.url),
    attempt: num(row.attempt),
    dueAt: num(row.due_at),
    kind: row.kind === "continuation" ? "continuation" : "failure",
    error: runErrorOf(textOrNull(row.error)),
    workspacePath: textOrNull(row.workspace_path),
    host: textOrNull(row.host),
  };
}

/** A blocked_issues row as a record. */
export function blockedFromRow(row: SqlRow): BlockedRecord {
  const kind = String(row.kind);
  return {
    issueId: String(row.issue_id),
    identifier: String(row.identifier),
    url: textOrNull(row.url),
    state: String(row.state),
    kind: kind === "approval" || kind === "elicitation" ? kind : "user_input",
    question: String(row.question),
    blockedAt: num(row.blocked_at),
    sessionId: textOrNull(row.session_id),
    workspacePath: textOrNull(row.workspace_path),
    host: String(row.host),
  };
}

/** A leases row as a record. */
export function leaseFromRow(row: SqlRow): LeaseRecord {
  return {
    issueId: String(row.issue_id),
    identifier: String(row.identifier),
    workerId: String(row.worker_id),
    host: String(row.host),
    workspacePath: textOrNull(row.workspace_path),
    attempt: numOrNull(row.attempt),
    lastSeen: num(row.last_seen),
    expiresAt: num(row.expires_at),
  };
}
