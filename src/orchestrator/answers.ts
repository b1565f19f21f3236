import type { Logger } from "../domain/logger.js";
import { postComment, type TrackerAdapter } from "../tracker/adapter.js";
import { answerTakenComment, questionComment, readQuestionThread } from "./questions.js";
import type { BlockedEntry, OrchestratorState, ResumeWith } from "./state.js";

/**
 * Posts a blocked run's question on the tracker (with the hidden marker) when the tracker can both
 * comment and list comments; otherwise the question stays on the dashboard only. Never waits.
 */
export function askInTracker(
  blocked: BlockedEntry,
  runId: string,
  tracker: TrackerAdapter,
  signal: AbortSignal,
  logger: Logger,
): void {
  if (tracker.addComment === undefined || tracker.listComments === undefined) return;
  blocked.askedInTracker = true;
  const body = questionComment(runId, blocked.threadId ?? null, blocked.kind, blocked.question);
  const log = logger.child({ issue_id: blocked.issue.id, issue_identifier: blocked.issue.identifier });
  postComment(tracker, blocked.issue.id, body, signal, (error) => {
    blocked.askedInTracker = false;
    log.warn("question comment failed", { error });
  });
}

/** A blocked issue whose question got a reply, and what its next attempt resumes with. */
export interface Answered {
  readonly blocked: BlockedEntry;
  readonly resume: ResumeWith;
}

/**
 * Reads the comments of every issue waiting for a person (not parked by a limit) and returns those a
 * person answered; the caller resumes them. A failed read is logged and tried again next tick.
 */
export async function collectAnswers(
  state: OrchestratorState,
  tracker: TrackerAdapter,
  signal: AbortSignal,
  logger: Logger,
): Promise<Answered[]> {
  const list = tracker.listComments;
  if (list === undefined) return [];
  const waiting = [...state.blocked.values()].filter((b) => b.limit === null);
  const out: Answered[] = [];
  for (const blocked of waiting) {
    const comments = await list.call(tracker, blocked.issue.id, signal);
    const log = logger.child({ issue_id: blocked.issue.id, issue_identifier: blocked.issue.identifier });
    if (!comments.ok) {
      log.warn("reading comments for an answer failed", { error: comments.error.message });
      continue;
    }
    const thread = readQuestionThread(comments.value);
    if (thread.kind === "waiting") blocked.askedInTracker = true;
    if (thread.kind !== "answered") continue;
    log.info("question answered in the tracker", { author: thread.author, run_id: thread.runId });
    postComment(tracker, blocked.issue.id, answerTakenComment(thread.runId), signal, (error) =>
      log.warn("answer receipt comment failed", { error }),
    );
    out.push({
      blocked,
      resume: {
        threadId: blocked.threadId ?? thread.threadId,
        question: blocked.question,
        answer: thread.answer,
        author: thread.author,
      },
    });
  }
  return out;
}
