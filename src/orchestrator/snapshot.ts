import type { ServiceConfig } from "../config/types.js";
import { describeRunError, publicRunError } from "../domain/run-error.js";
import type { DurableView } from "../domain/run-record.js";
import type { CircuitRow, OrchestratorSnapshot, RunningRow, SpendView } from "../domain/snapshot.js";
import type { OrchestratorState, RunningEntry } from "./state.js";

/** Static facts the snapshot shows next to the state. */
export interface SnapshotContext {
  readonly now: number;
  readonly config: ServiceConfig;
  readonly trackerRateLimits: Readonly<Record<string, unknown>> | null;
  /** Circuit breakers that counted a failure. */
  readonly circuits: readonly CircuitRow[];
  /** Store health, lifetime totals, recent runs and leases (null without a store). */
  readonly durable?: DurableView | null;
  /** Spend today/this month and budget use (null without spend control). */
  readonly spend?: SpendView | null;
}

function runningRow(entry: RunningEntry): RunningRow {
  return Object.freeze({
    issueId: entry.issue.id,
    identifier: entry.issue.identifier,
    title: entry.issue.title,
    url: entry.issue.url,
    state: entry.issue.state,
    backend: entry.backend,
    profile: entry.profile,
    host: entry.host,
    workspacePath: entry.workspacePath,
    sessionId: entry.sessionId,
    pid: entry.pid,
    attempt: entry.attempt,
    turnCount: entry.turnCount,
    startedAt: entry.startedAt,
    lastEvent: entry.lastEvent,
    lastMessage: entry.lastMessage,
    lastEventAt: entry.lastEventAt,
    tokens: Object.freeze({
      inputTokens: entry.tokens.input,
      outputTokens: entry.tokens.output,
      totalTokens: entry.tokens.total,
    }),
    costUsd: entry.costUsd,
    runId: entry.runId,
    recentEvents: Object.freeze(entry.recent.map((e) => Object.freeze({ ...e }))),
    answer:
      entry.resume === null
        ? null
        : Object.freeze({ author: entry.resume.author, text: entry.resume.answer }),
  });
}

/** Builds an immutable plain snapshot of the scheduling state (spec 13.3). */
export function buildSnapshot(state: OrchestratorState, ctx: SnapshotContext): OrchestratorSnapshot {
  const running = [...state.running.values()].map(runningRow);
  const liveSeconds =
    [...state.running.values()].reduce((sum, e) => sum + Math.max(ctx.now - e.startedAt, 0), 0) / 1000;
  const retrying = [...state.retries.values()]
    .sort((a, b) => a.dueAt - b.dueAt)
    .map((r) =>
      Object.freeze({
        issueId: r.issueId,
        identifier: r.identifier,
        url: r.url,
        attempt: r.attempt,
        dueAt: r.dueAt,
        kind: r.kind,
        error: r.error === null ? null : describeRunError(r.error),
        errorDetail: r.error === null ? null : Object.freeze(publicRunError(r.error)),
        workspacePath: r.workspacePath,
        host: r.placement.preferred,
      }),
    );
  const blocked = [...state.blocked.values()].map((b) =>
    Object.freeze({
      issueId: b.issue.id,
      identifier: b.issue.identifier,
      url: b.issue.url,
      state: b.issue.state,
      kind: b.kind,
      limit: b.limit,
      question: b.question,
      blockedAt: b.blockedAt,
      sessionId: b.sessionId,
      workspacePath: b.workspacePath,
      host: b.host,
      lastEvent: b.lastEvent,
      lastMessage: b.lastMessage,
      lastEventAt: b.lastEventAt,
      waitingIn: b.askedInTracker === true ? ("tracker" as const) : ("dashboard" as const),
    }),
  );
  const finished = [...state.finished.values()].map((f) =>
    Object.freeze({
      issueId: f.issue.id,
      identifier: f.issue.identifier,
      title: f.issue.title,
      url: f.issue.url,
      state: f.issue.state,
      runId: f.runId,
      outcome: f.outcome,
      reason: f.reason,
      endedAt: f.endedAt,
      workspacePath: f.workspacePath,
      host: f.host,
      backend: f.backend ?? null,
      profile: f.profile ?? null,
    }),
  );
  return Object.freeze({
    generatedAt: ctx.now,
    running: Object.freeze(running),
    retrying: Object.freeze(retrying),
    blocked: Object.freeze(blocked),
    skipped: Object.freeze(state.skipped.map((s) => Object.freeze({ ...s }))),
    finished: Object.freeze(finished),
    totals: Object.freeze({
      inputTokens: state.totals.input,
      outputTokens: state.totals.output,
      totalTokens: state.totals.total,
      costUsd: state.totals.costUsd,
      secondsRunning: state.totals.secondsEnded + liveSeconds,
      runsStarted: state.totals.runsStarted,
      runsSucceeded: state.totals.runsSucceeded,
      runsFailed: state.totals.runsFailed,
    }),
    rateLimits: state.rateLimits,
    trackerRateLimits: ctx.trackerRateLimits,
    polling: Object.freeze({
      intervalMs: ctx.config.polling.intervalMs,
      checking: state.checking,
      lastTickAt: state.lastTickAt,
      nextTickAt: state.nextTickAt,
    }),
    durable: ctx.durable ?? null,
    limits: Object.freeze({ maxConcurrentAgents: ctx.config.agent.maxConcurrentAgents }),
    spend: ctx.spend ?? null,
    circuits: Object.freeze(ctx.circuits.map((c) => Object.freeze({ ...c }))),
    workflow: Object.freeze({
      path: ctx.config.workflowPath,
      trackerKind: ctx.config.tracker.kind,
      backend: ctx.config.agent.backend,
      workspaceRoot: ctx.config.workspace.root,
      lastError: state.lastError,
    }),
  });
}
