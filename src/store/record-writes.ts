import type { TokenCounts } from "../domain/agent-event.js";
import type { AttemptRecord, BlockedRecord, RetryRecord } from "../domain/run-record.js";
import { ATTEMPT_COLUMNS, attemptArgs, runErrorText } from "./rows.js";
import type { SqlExec } from "./sql-driver.js";

// The idempotent upserts behind the journal's record writes; SQL written once for SQLite and PostgreSQL.

/** Inserts or replaces an attempt row (a running attempt is rewritten at each flush and at its end). */
export async function upsertAttempt(tx: SqlExec, record: AttemptRecord): Promise<void> {
  const cols = ATTEMPT_COLUMNS.split(", ");
  const updates = cols
    .filter((c) => c !== "run_id")
    .map((c) => `${c} = excluded.${c}`)
    .join(", ");
  await tx.query(
    `INSERT INTO attempts (${ATTEMPT_COLUMNS}) VALUES (${cols.map(() => "?").join(", ")})
     ON CONFLICT (run_id) DO UPDATE SET ${updates}`,
    attemptArgs(record),
  );
}

/** A session's absolute token totals: they only grow, so the row keeps the high-water mark. */
export async function raiseLedger(
  tx: SqlExec,
  w: {
    readonly issueId: string;
    readonly identifier: string;
    readonly sessionId: string;
    readonly tokens: TokenCounts;
    readonly at: number;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO token_ledger (issue_id, session_id, identifier, input_tokens, output_tokens, total_tokens, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (issue_id, session_id) DO UPDATE SET
     input_tokens = CASE WHEN excluded.input_tokens > token_ledger.input_tokens THEN excluded.input_tokens ELSE token_ledger.input_tokens END,
     output_tokens = CASE WHEN excluded.output_tokens > token_ledger.output_tokens THEN excluded.output_tokens ELSE token_ledger.output_tokens END,
     total_tokens = CASE WHEN excluded.total_tokens > token_ledger.total_tokens THEN excluded.total_tokens ELSE token_ledger.total_tokens END,
     updated_at = excluded.updated_at`,
    [
      w.issueId,
      w.sessionId,
      w.identifier,
      w.tokens.inputTokens,
      w.tokens.outputTokens,
      w.tokens.totalTokens,
      w.at,
    ],
  );
}

/** An issue in backoff with its recorded due time. */
export async function upsertRetry(tx: SqlExec, r: RetryRecord, workerId: string): Promise<void> {
  await tx.query(
    `INSERT INTO retry_queue (issue_id, identifier, url, attempt, due_at, kind, error, workspace_path, host, worker_id, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (issue_id) DO UPDATE SET
     identifier = excluded.identifier, url = excluded.url, attempt = excluded.attempt, due_at = excluded.due_at,
     kind = excluded.kind, error = excluded.error, workspace_path = excluded.workspace_path, host = excluded.host,
     worker_id = excluded.worker_id, updated_at = excluded.updated_at`,
    [
      r.issueId,
      r.identifier,
      r.url,
      r.attempt,
      r.dueAt,
      r.kind,
      runErrorText(r.error),
      r.workspacePath,
      r.host,
      workerId,
      r.dueAt,
    ],
  );
}

/** An issue waiting for a person, with its question. */
export async function upsertBlocked(tx: SqlExec, b: BlockedRecord, workerId: string): Promise<void> {
  await tx.query(
    `INSERT INTO blocked_issues (issue_id, identifier, url, state, kind, question, blocked_at, session_id, workspace_path, host, worker_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (issue_id) DO UPDATE SET
     identifier = excluded.identifier, url = excluded.url, state = excluded.state, kind = excluded.kind,
     question = excluded.question, blocked_at = excluded.blocked_at, session_id = excluded.session_id,
     workspace_path = excluded.workspace_path, host = excluded.host, worker_id = excluded.worker_id`,
    [
      b.issueId,
      b.identifier,
      b.url,
      b.state,
      b.kind,
      b.question,
      b.blockedAt,
      b.sessionId,
      b.workspacePath,
      b.host,
      workerId,
    ],
  );
}
