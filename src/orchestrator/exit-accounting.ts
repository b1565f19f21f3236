import type { ObserverEvent } from "../domain/snapshot.js";
import { agentScope, countRun } from "./circuits.js";
import type { OrchestratorDeps } from "./deps.js";
import { type ExitDisposition, exitDisposition, runEnding } from "./exit.js";
import { attemptUpdate } from "./records.js";
import { type BlockedEntry, type OrchestratorState, type RunningEntry, recordFinished } from "./state.js";
import type { WorkerExit } from "./worker.js";

/**
 * Everything a run's end counts before the orchestrator decides what happens next: the circuit
 * breaker, spend (wall time, workspace change), the journal's attempt record, the totals, the
 * `worker exited` log line, the `run_ended` event and the finished record. Returns the disposition.
 */
export function accountExit(
  state: OrchestratorState,
  entry: RunningEntry,
  exit: WorkerExit,
  workspaceChanged: boolean | null,
  deps: Pick<OrchestratorDeps, "clock" | "logger" | "breakers" | "spend" | "journal">,
  notify: (event: ObserverEvent) => void,
): ExitDisposition {
  const { clock, logger } = deps;
  const now = clock.now();
  const { issue, runId } = entry;
  const wallTimeMs = Math.max(now - entry.startedAt, 0);
  if (deps.breakers !== undefined) countRun(deps.breakers, agentScope(entry.backend), exit, now, logger);
  deps.spend?.onExit(issue, wallTimeMs, workspaceChanged, now);
  deps.journal?.attemptEnded(attemptUpdate(entry, { at: now, exit }));
  state.totals.secondsEnded += wallTimeMs / 1000;
  if (exit.outcome === "completed") state.totals.runsSucceeded += 1;
  else state.totals.runsFailed += 1;
  const ended = runEnding(entry, exit);
  const log = logger.child({ issue_id: issue.id, issue_identifier: issue.identifier, run_id: runId });
  // a failed attempt is retried, but an operator must see it (a missing agent program fails every time)
  log[exit.outcome === "failed" || exit.outcome === "timed_out" ? "warn" : "info"]("worker exited", {
    session_id: entry.sessionId ?? undefined,
    outcome: ended.outcome,
    reason: ended.reason,
    error_code: ended.error?.code ?? null,
    turns: entry.turnCount,
  });
  const usage = {
    turns: entry.turnCount,
    totalTokens: entry.tokens.total,
    costUsd: entry.costKnown ? entry.costUsd : null,
  };
  notify({ type: "run_ended", issueId: issue.id, identifier: issue.identifier, runId, ...ended, usage });
  recordFinished(state, {
    issue,
    runId,
    outcome: ended.outcome,
    reason: ended.reason,
    endedAt: now,
    workspacePath: entry.workspacePath,
    host: entry.host,
    backend: entry.backend,
    profile: entry.profile,
  });
  return exitDisposition(entry, exit);
}

/** Keeps an issue whose run asked a person something as blocked, with the question and where its work is. */
export function blockOnQuestion(
  state: OrchestratorState,
  entry: RunningEntry,
  disposition: Extract<ExitDisposition, { kind: "blocked" }>,
  now: number,
): BlockedEntry {
  const blocked: BlockedEntry = {
    issue: entry.issue,
    kind: disposition.inputKind,
    limit: null,
    question: disposition.question,
    blockedAt: now,
    sessionId: entry.sessionId,
    workspacePath: entry.workspacePath,
    host: entry.host,
    lastEvent: entry.lastEvent,
    lastMessage: entry.lastMessage,
    lastEventAt: entry.lastEventAt,
    threadId: entry.threadId,
  };
  state.blocked.set(entry.issue.id, blocked);
  return blocked;
}
