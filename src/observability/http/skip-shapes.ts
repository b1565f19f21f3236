import type { SkipReason, SkipRow } from "../../domain/snapshot.js";
import { describeSkip, isoSeconds } from "../format.js";

/** A skip reason with snake_case fields. */
export function skipReasonJson(reason: SkipReason) {
  switch (reason.kind) {
    case "blocked_by":
      return { kind: reason.kind, blockers: reason.blockers };
    case "missing_labels":
      return { kind: reason.kind, labels: reason.labels };
    case "state_not_active":
      return { kind: reason.kind, state: reason.state };
    case "in_backoff":
      return { kind: reason.kind, due_at: isoSeconds(reason.dueAt) };
    case "no_global_slot":
      return { kind: reason.kind, limit: reason.limit };
    case "state_cap":
      return { kind: reason.kind, state: reason.state, limit: reason.limit };
    case "leased_elsewhere":
      return { kind: reason.kind, holder: reason.holder, expires_at: isoSeconds(reason.expiresAt) };
    case "store_unavailable":
      return { kind: reason.kind, message: reason.message };
    case "not_dispatchable":
    case "running":
    case "claimed":
    case "blocked_on_input":
    case "no_host_capacity":
      return { kind: reason.kind };
    case "circuit_open":
      return {
        kind: reason.kind,
        scope: reason.scope,
        retry_at: reason.retryAt === null ? null : isoSeconds(reason.retryAt),
      };
    default: {
      const _exhaustive: never = reason;
      return _exhaustive;
    }
  }
}

/** One `skipped[]` item; `reason_text` is the same sentence the terminal shows. */
export function skipJson(row: SkipRow, now: number) {
  return {
    issue_id: row.issueId,
    issue_identifier: row.identifier,
    state: row.state,
    reason: skipReasonJson(row.reason),
    reason_text: describeSkip(row.reason, now),
  };
}

/** How many `skipped[]` rows the state body lists; `counts.skipped` and `skipped_by_reason` count them all. */
export const MAX_SKIPPED_ROWS = 200;

// Every skip reason with its number of candidates.
export function skipCounts(rows: readonly SkipRow[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.reason.kind] = (counts[row.reason.kind] ?? 0) + 1;
  return counts;
}
