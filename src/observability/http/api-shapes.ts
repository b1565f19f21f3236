import { join } from "node:path";
import type { AgentEvent, TokenCounts } from "../../domain/agent-event.js";
import type { LimitTrip } from "../../domain/limit-trip.js";
import type { AttemptRecord } from "../../domain/run-record.js";
import type {
  BlockedRow,
  FinishedRow,
  OrchestratorSnapshot,
  PeriodSpendView,
  RetryRow,
  RunningRow,
  SpendView,
  TimelineEntry,
} from "../../domain/snapshot.js";
import { workspaceKey } from "../../workspace/key.js";
import { isoSeconds, summariseAgentEvent } from "../format.js";
import { attemptJson, durableJson } from "./history-shapes.js";
import { MAX_SKIPPED_ROWS, skipCounts, skipJson } from "./skip-shapes.js";

// JSON shapes of the HTTP API. Field names follow spec 13.7.2 (and the Elixir reference) exactly;
// everything we add is an extra field, never a renamed one.

/** Paths of one run's log files, as the issue endpoint names them. */
export interface RunLogFiles {
  readonly runId: string;
  readonly log: string;
  readonly events: string;
}

/** Looks up the newest run log files recorded for an issue identifier (null when logs are off). */
export type RunLogLookup = (identifier: string) => RunLogFiles | null;

/** `tokens` object. */
export function tokensJson(t: TokenCounts) {
  return { input_tokens: t.inputTokens, output_tokens: t.outputTokens, total_tokens: t.totalTokens };
}

/** One `running[]` item. */
export function runningJson(row: RunningRow, now: number) {
  return {
    issue_id: row.issueId,
    issue_identifier: row.identifier,
    issue_url: row.url,
    state: row.state,
    worker_host: row.host,
    workspace_path: row.workspacePath,
    session_id: row.sessionId,
    turn_count: row.turnCount,
    last_event: row.lastEvent,
    last_message: row.lastMessage ?? "",
    started_at: isoSeconds(row.startedAt),
    last_event_at: isoSeconds(row.lastEventAt),
    tokens: tokensJson(row.tokens),
    cost_usd: row.costUsd,
    // additions
    issue_title: row.title,
    backend: row.backend,
    profile: row.profile,
    pid: row.pid,
    attempt: row.attempt,
    run_id: row.runId,
    seconds_running: Math.max(0, (now - row.startedAt) / 1000),
    answer: row.answer == null ? null : { author: row.answer.author, text: row.answer.text },
  };
}

/** One `retrying[]` item. */
export function retryJson(row: RetryRow) {
  return {
    issue_id: row.issueId,
    issue_identifier: row.identifier,
    issue_url: row.url,
    attempt: row.attempt,
    due_at: isoSeconds(row.dueAt),
    error: row.error,
    worker_host: row.host ?? null,
    workspace_path: row.workspacePath,
    // additions
    kind: row.kind,
    /** `error` kept typed: `{code, message, retryable}`, null for a continuation. */
    error_detail: row.errorDetail ?? null,
  };
}

/** The limit that parked an issue, snake_case. */
export function limitJson(trip: LimitTrip) {
  return {
    reason: trip.reason,
    limit: trip.limit,
    scope: trip.scope,
    label: trip.label,
    state: trip.state,
    used: trip.used,
    max: trip.max,
    key: trip.key,
    resets_at: trip.resetsAt === null ? null : isoSeconds(trip.resetsAt),
  };
}

/** One `blocked[]` item (`error` carries the question, as in the reference). */
export function blockedJson(row: BlockedRow) {
  return {
    issue_id: row.issueId,
    issue_identifier: row.identifier,
    issue_url: row.url,
    state: row.state,
    error: row.question,
    worker_host: row.host ?? null,
    workspace_path: row.workspacePath,
    session_id: row.sessionId,
    blocked_at: isoSeconds(row.blockedAt),
    last_event: row.lastEvent ?? null,
    last_message: row.lastMessage ?? "",
    last_event_at: isoSeconds(row.lastEventAt ?? null),
    // additions
    kind: row.kind,
    question: row.question,
    limit: row.limit === null ? null : limitJson(row.limit),
    waiting_in: row.waitingIn ?? "dashboard",
  };
}

/** The last run of an issue that left every live table (bounded in-memory history of this process). */
export function finishedJson(row: FinishedRow) {
  return {
    issue_id: row.issueId,
    issue_identifier: row.identifier,
    state: row.state,
    run_id: row.runId,
    outcome: row.outcome,
    reason: row.reason,
    ended_at: isoSeconds(row.endedAt),
    worker_host: row.host,
    workspace_path: row.workspacePath,
    backend: row.backend ?? null,
    profile: row.profile ?? null,
  };
}

/** The body of `GET /api/v1/state` (and of every SSE `state` message). */
export function stateJson(snapshot: OrchestratorSnapshot) {
  const now = snapshot.generatedAt;
  const t = snapshot.totals;
  const totals = {
    input_tokens: t.inputTokens,
    output_tokens: t.outputTokens,
    total_tokens: t.totalTokens,
    cost_usd: t.costUsd,
    seconds_running: t.secondsRunning,
  };
  return {
    generated_at: isoSeconds(now),
    counts: {
      running: snapshot.running.length,
      retrying: snapshot.retrying.length,
      blocked: snapshot.blocked.length,
      skipped: snapshot.skipped.length,
    },
    running: snapshot.running.map((r) => runningJson(r, now)),
    retrying: snapshot.retrying.map(retryJson),
    // spec name; the totals cover every backend, not only codex
    codex_totals: totals,
    rate_limits: snapshot.rateLimits,
    // additions
    blocked: snapshot.blocked.map(blockedJson),
    // a huge backlog would otherwise make this body (and every SSE message) grow with the tracker
    skipped: snapshot.skipped.slice(0, MAX_SKIPPED_ROWS).map((r) => skipJson(r, now)),
    skipped_by_reason: skipCounts(snapshot.skipped),
    circuits: snapshot.circuits.map((c) => ({
      scope: c.scope,
      state: c.state,
      kind: c.kind,
      failures: c.failures,
      retry_at: c.retryAt === null ? null : isoSeconds(c.retryAt),
    })),
    finished: (snapshot.finished ?? []).slice(-50).map(finishedJson),
    agent_totals: {
      ...totals,
      runs_started: t.runsStarted,
      runs_succeeded: t.runsSucceeded,
      runs_failed: t.runsFailed,
    },
    tracker_rate_limits: snapshot.trackerRateLimits,
    backend: snapshot.workflow.backend,
    tracker_kind: snapshot.workflow.trackerKind,
    workflow_path: snapshot.workflow.path,
    last_error: snapshot.workflow.lastError,
    max_concurrent_agents: snapshot.limits.maxConcurrentAgents,
    ...durableJson(snapshot, snapshot.durable ?? null),
    spend: spendJson(snapshot.spend ?? null),
    polling: {
      interval_ms: snapshot.polling.intervalMs,
      checking: snapshot.polling.checking,
      last_tick_at: isoSeconds(snapshot.polling.lastTickAt),
      next_tick_at: isoSeconds(snapshot.polling.nextTickAt),
    },
  };
}

/** `spend`: today and this month (UTC) across every issue, and each budget's use; null without spend control. */
function spendJson(spend: SpendView | null) {
  if (spend === null) return null;
  const period = (p: PeriodSpendView) => ({ tokens: p.tokens, cost_usd: p.costUsd });
  return {
    today: period(spend.today),
    month: period(spend.month),
    budgets: spend.budgets.map((b) => ({
      key: b.key,
      period: b.period,
      label: b.label,
      state: b.state,
      spent: period(b.spent),
      max_tokens: b.maxTokens,
      max_cost_usd: b.maxCostUsd,
      resets_at: isoSeconds(b.resetsAt),
    })),
  };
}

/** One timeline entry. */
export function timelineJson(entry: TimelineEntry) {
  return { at: isoSeconds(entry.at), event: entry.event, message: entry.message };
}

/** The body of `GET /api/v1/<identifier>`, or null when the identifier is unknown. */
export function issueJson(snapshot: OrchestratorSnapshot, identifier: string, logs: RunLogLookup) {
  const now = snapshot.generatedAt;
  const running = snapshot.running.find((r) => r.identifier === identifier) ?? null;
  const retry = snapshot.retrying.find((r) => r.identifier === identifier) ?? null;
  const blocked = snapshot.blocked.find((r) => r.identifier === identifier) ?? null;
  const skipped = snapshot.skipped.find((r) => r.identifier === identifier) ?? null;
  const finished = (snapshot.finished ?? []).find((r) => r.identifier === identifier) ?? null;
  const first = running ?? retry ?? blocked ?? skipped ?? finished;
  if (first === null) return null;
  const status =
    running !== null
      ? "running"
      : retry !== null
        ? "retrying"
        : blocked !== null
          ? "blocked"
          : skipped !== null
            ? "skipped"
            : "finished";
  const root = snapshot.workflow.workspaceRoot;
  const attempt = running?.attempt ?? retry?.attempt ?? null;
  const files = logs(identifier);
  const runLogs =
    files === null
      ? []
      : [{ label: "latest", path: files.log, url: null, events_path: files.events, run_id: files.runId }];
  return {
    issue_identifier: identifier,
    issue_id: first.issueId,
    status,
    workspace: {
      // no run recorded a path (a skipped issue, say): where its workspace is or would be
      path:
        running?.workspacePath ??
        retry?.workspacePath ??
        blocked?.workspacePath ??
        finished?.workspacePath ??
        (root === undefined ? null : join(root, workspaceKey(identifier))),
      host: running?.host ?? retry?.host ?? blocked?.host ?? finished?.host ?? null,
    },
    attempts: {
      restart_count: attempt === null ? 0 : Math.max(attempt - 1, 0),
      current_retry_attempt: attempt,
    },
    running:
      running === null
        ? null
        : {
            session_id: running.sessionId,
            turn_count: running.turnCount,
            state: running.state,
            started_at: isoSeconds(running.startedAt),
            last_event: running.lastEvent,
            last_message: running.lastMessage ?? "",
            last_event_at: isoSeconds(running.lastEventAt),
            tokens: tokensJson(running.tokens),
            // additions
            run_id: running.runId,
            backend: running.backend,
            pid: running.pid,
            seconds_running: Math.max(0, (now - running.startedAt) / 1000),
          },
    retry: retry === null ? null : retryJson(retry),
    logs: { codex_session_logs: runLogs },
    recent_events: (running?.recentEvents ?? []).map(timelineJson),
    last_error: retry?.error ?? blocked?.question ?? null,
    tracked: {},
    /** `last_error` kept typed (a retry's failure); null when blocked, running or skipped. */
    error_detail: retry?.errorDetail ?? null,
    // additions
    blocked: blocked === null ? null : blockedJson(blocked),
    skipped: skipped === null ? null : skipJson(skipped, now),
    finished: finished === null ? null : finishedJson(finished),
    issue_title: running?.title ?? finished?.title ?? null,
    issue_url: running?.url ?? retry?.url ?? blocked?.url ?? finished?.url ?? null,
    run_log: files === null ? null : files.log,
    events_log: files === null ? null : files.events,
  };
}

/** An agent event as pushed over SSE: who, when, type, one-line summary. */
export function agentEventJson(issueId: string, identifier: string, event: AgentEvent) {
  return {
    issue_id: issueId,
    issue_identifier: identifier,
    at: isoSeconds(event.at),
    event: event.type,
    message: summariseAgentEvent(event),
  };
}

/** The JSON error envelope every API error uses. */
export function errorJson(code: string, message: string) {
  return { error: { code, message } };
}

/** `GET /api/v1/<identifier>` for an issue that is not active here but has recorded runs. */
export function inactiveIssueJson(identifier: string, runs: readonly AttemptRecord[]) {
  const latest = runs[0];
  if (latest === undefined) return null;
  const finished = latest.outcome === "completed";
  return {
    issue_identifier: identifier,
    issue_id: latest.issueId,
    status: finished ? "finished" : "inactive",
    workspace: { path: latest.workspacePath, host: latest.host },
    attempts: { restart_count: Math.max(runs.length - 1, 0), current_retry_attempt: null },
    running: null,
    retry: null,
    logs: {
      codex_session_logs: runs
        .filter((r) => r.logPath !== null)
        .map((r) => ({
          label: r.runId,
          path: r.logPath,
          url: null,
          events_path: r.eventsPath,
          run_id: r.runId,
        })),
    },
    recent_events: [],
    last_error: latest.error?.message ?? null,
    tracked: {},
    // additions
    run_history: runs.map(attemptJson),
  };
}
