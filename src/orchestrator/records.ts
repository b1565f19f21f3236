import type { AttemptError } from "../domain/run-record.js";
import type { AttemptUpdate, SchedulingView } from "./journal.js";
import { describeStop } from "./reconcile.js";
import type { OrchestratorState, RunningEntry } from "./state.js";
import type { WorkerExit } from "./worker.js";

/** How a run ended, for the journal. */
export interface AttemptEnd {
  readonly at: number;
  readonly exit: WorkerExit;
}

function endError(entry: RunningEntry, exit: WorkerExit): AttemptError | null {
  switch (exit.outcome) {
    case "normal":
      return null;
    case "failed":
      return {
        code: exit.hostUnreachable === true ? "host_unreachable" : "worker_failed",
        message: exit.reason,
      };
    case "blocked":
      return { code: exit.kind, message: exit.question };
    case "cancelled":
      return {
        code: entry.stop?.kind ?? "cancelled",
        message: entry.stop ? describeStop(entry.stop) : exit.reason,
      };
    default: {
      const never: never = exit;
      throw new Error(`unknown exit ${JSON.stringify(never)}`);
    }
  }
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
    outcome: end?.exit.outcome ?? null,
    error: end === null ? null : endError(entry, end.exit),
    turns: entry.turnCount,
    tokens: {
      inputTokens: entry.tokens.input,
      outputTokens: entry.tokens.output,
      totalTokens: entry.tokens.total,
    },
    costUsd: null,
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
  const blocked = [...state.blocked.values()].map((b) => ({
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
