import type { AttemptError } from "../domain/run-record.js";
import { runEnding } from "./exit.js";
import type { AttemptUpdate, SchedulingView } from "./journal.js";
import type { OrchestratorState, RunningEntry } from "./state.js";
import type { WorkerExit } from "./worker.js";

/** How a run ended, for the journal. */
export interface AttemptEnd {
  readonly at: number;
  readonly exit: WorkerExit;
}

function endError(entry: RunningEntry, exit: WorkerExit): AttemptError | null {
  const ended = runEnding(entry, exit);
  if (ended.error !== null) return { code: ended.error.code, message: ended.error.message };
  if (ended.outcome === "completed") return null;
  const code = ended.outcome === "blocked" && exit.outcome === "blocked" ? exit.kind : ended.outcome;
  return { code, message: ended.reason ?? "" };
}

/** A running entry (and, once it ended, its exit) as an attempt record. */
export function attemptUpdate(entry: RunningEntry, end: AttemptEnd | null = null): AttemptUpdate {
  return {
    runId: entry.runId,
    issueId: entry.issue.id,
    identifier: entry.issue.identifier,
    attempt: entry.attempt,
    backend: entry.backend,
    host: entry.host,
    startedAt: entry.startedAt,
    endedAt: end?.at ?? null,
    outcome: end === null ? null : runEnding(entry, end.exit).outcome,
    error: end === null ? null : endError(entry, end.exit),
    turns: entry.turnCount,
    tokens: {
      inputTokens: entry.tokens.input,
      outputTokens: entry.tokens.output,
      totalTokens: entry.tokens.total,
    },
    // unknown until some usage was priced: a command run or an unknown model records no cost, not 0
    costUsd: entry.costKnown ? entry.costUsd : null,
    sessionId: entry.sessionId,
    workspacePath: entry.workspacePath,
  };
}

/** The durable part of the state: running attempts, retries, blocked issues and every claim. */
export function schedulingView(state: OrchestratorState): SchedulingView {
  const running = [...state.running.values()];
  const retries = [...state.retries.values()].map((r) => ({
    issueId: r.issueId,
    identifier: r.identifier,
    url: r.url,
    attempt: r.attempt,
    dueAt: r.dueAt,
    kind: r.kind,
    error: r.error,
    workspacePath: r.workspacePath,
    host: r.placement.preferred,
  }));
  // an issue parked by a limit is not recorded as blocked: the limit is checked again at its next dispatch
  const waiting = [...state.blocked.values()].flatMap((b) =>
    b.kind === "budget" || b.kind === "no_progress" ? [] : [{ ...b, kind: b.kind }],
  );
  const blocked = waiting.map((b) => ({
    issueId: b.issue.id,
    identifier: b.issue.identifier,
    url: b.issue.url,
    state: b.issue.state,
    kind: b.kind,
    question: b.question,
    blockedAt: b.blockedAt,
    sessionId: b.sessionId,
    workspacePath: b.workspacePath,
    host: b.host,
  }));
  const claims = [
    ...running.map((e) => ({
      issueId: e.issue.id,
      identifier: e.issue.identifier,
      host: e.host,
      workspacePath: e.workspacePath,
      attempt: e.attempt,
    })),
    ...retries.map((r) => ({
      issueId: r.issueId,
      identifier: r.identifier,
      host: r.host ?? "",
      workspacePath: r.workspacePath,
      attempt: r.attempt,
    })),
    ...blocked.map((b) => ({
      issueId: b.issueId,
      identifier: b.identifier,
      host: b.host,
      workspacePath: b.workspacePath,
      attempt: null,
    })),
  ];
  return { running: running.map((e) => attemptUpdate(e)), retries, blocked, claims };
}
