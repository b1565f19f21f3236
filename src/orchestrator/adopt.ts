import type { Issue } from "../domain/issue.js";
import type { Logger } from "../domain/logger.js";
import type { RestoredState } from "../domain/run-record.js";
import type { RetryQueue } from "./retry-queue.js";
import type { OrchestratorState } from "./state.js";

/** What adopting recorded work may touch. */
export interface AdoptContext {
  readonly state: OrchestratorState;
  readonly retries: RetryQueue;
  readonly logger: Logger;
  readonly maxBackoffMs: number;
}

/** A placeholder issue for a blocked record until the next reconcile refreshes it from the tracker. */
function recordedIssue(r: {
  issueId: string;
  identifier: string;
  url: string | null;
  state?: string;
}): Issue {
  return {
    id: r.issueId,
    identifier: r.identifier,
    title: r.identifier,
    description: null,
    priority: null,
    state: r.state ?? "",
    branchName: null,
    url: r.url,
    assigneeId: null,
    labels: [],
    blockedBy: [],
    dispatchable: true,
    nativeRef: null,
    createdAt: null,
    updatedAt: null,
  };
}

/**
 * Takes over recorded work (after a restart, or from an instance whose lease expired): a blocked
 * issue stays blocked with its question, a retry keeps its due time, and an attempt that was
 * running when its process died is retried with the normal failure backoff in the same workspace.
 */
export function adoptRecorded(ctx: AdoptContext, restored: RestoredState): void {
  const { state, logger } = ctx;
  for (const b of restored.blocked) {
    if (state.running.has(b.issueId)) continue;
    state.blocked.set(b.issueId, {
      issue: recordedIssue(b),
      kind: b.kind,
      question: b.question,
      blockedAt: b.blockedAt,
      sessionId: b.sessionId,
      workspacePath: b.workspacePath,
      host: b.host,
      limit: null,
      lastEvent: null,
      lastMessage: null,
      lastEventAt: null,
    });
    state.claimed.add(b.issueId);
    logger.info("blocked issue restored", { issue_id: b.issueId, issue_identifier: b.identifier });
  }
  for (const r of restored.retries) {
    if (state.running.has(r.issueId) || state.blocked.has(r.issueId)) continue;
    ctx.retries.schedule({
      issue: { id: r.issueId, identifier: r.identifier, url: r.url },
      attempt: r.attempt,
      kind: r.kind,
      error: r.error,
      workspacePath: r.workspacePath,
      maxBackoffMs: ctx.maxBackoffMs,
      placement: { preferred: r.host, avoid: null },
      dueAt: r.dueAt,
    });
    state.claimed.add(r.issueId);
    logger.info("retry restored", { issue_id: r.issueId, issue_identifier: r.identifier, due_at: r.dueAt });
  }
  for (const a of restored.interrupted) {
    if (state.running.has(a.issueId) || state.blocked.has(a.issueId) || state.retries.has(a.issueId))
      continue;
    const attempt = (a.attempt ?? 0) + 1;
    const entry = ctx.retries.schedule({
      issue: { id: a.issueId, identifier: a.identifier, url: null },
      attempt,
      kind: "failure",
      error: {
        code: "interrupted",
        message: `run ${a.runId} stopped with its process`,
        retryable: true,
      },
      workspacePath: a.workspacePath,
      maxBackoffMs: ctx.maxBackoffMs,
      placement: { preferred: a.host, avoid: null },
    });
    state.claimed.add(a.issueId);
    logger.warn("interrupted run will be retried", {
      issue_id: a.issueId,
      issue_identifier: a.identifier,
      run_id: a.runId,
      attempt,
      due_at: entry.dueAt,
    });
  }
}
