import type { AttemptRecord, DurableView, LeaseRecord } from "../../domain/run-record.js";
import type { OrchestratorSnapshot } from "../../domain/snapshot.js";
import { isoSeconds } from "../format.js";

/** One recorded attempt (the issue endpoint's `run_history[]`, `recent_runs[]`, `symphony runs --json`). */
export function attemptJson(r: AttemptRecord) {
  return {
    run_id: r.runId,
    issue_id: r.issueId,
    issue_identifier: r.identifier,
    attempt: r.attempt,
    backend: r.backend,
    worker_host: r.host,
    worker_id: r.workerId,
    started_at: isoSeconds(r.startedAt),
    ended_at: isoSeconds(r.endedAt),
    outcome: r.outcome ?? "running",
    error: r.error,
    turns: r.turns,
    tokens: {
      input_tokens: r.tokens.inputTokens,
      output_tokens: r.tokens.outputTokens,
      total_tokens: r.tokens.totalTokens,
    },
    cost_usd: r.costUsd,
    session_id: r.sessionId,
    workspace_path: r.workspacePath,
    log_path: r.logPath,
    events_path: r.eventsPath,
  };
}

/** One `leases[]` item. */
export function leaseJson(l: LeaseRecord, now: number) {
  return {
    issue_id: l.issueId,
    issue_identifier: l.identifier,
    worker_id: l.workerId,
    worker_host: l.host,
    workspace_path: l.workspacePath,
    attempt: l.attempt,
    last_seen: isoSeconds(l.lastSeen),
    expires_at: isoSeconds(l.expiresAt),
    expired: l.expiresAt <= now,
  };
}

/**
 * The durable blocks of `/api/v1/state`: `token_usage` (every recorded attempt, earlier processes
 * included, plus the runs in flight), `store` health, `leases` and `recent_runs`.
 */
export function durableJson(snapshot: OrchestratorSnapshot, durable: DurableView | null) {
  if (durable === null) return { token_usage: null, store: null, leases: [], recent_runs: [] };
  const live = snapshot.running.reduce(
    (sum, r) => ({
      input: sum.input + r.tokens.inputTokens,
      output: sum.output + r.tokens.outputTokens,
      total: sum.total + r.tokens.totalTokens,
    }),
    { input: 0, output: 0, total: 0 },
  );
  const u = durable.tokenUsage;
  const h = durable.health;
  return {
    token_usage: {
      input_tokens: u.inputTokens + live.input,
      output_tokens: u.outputTokens + live.output,
      total_tokens: u.totalTokens + live.total,
      cost_usd: u.costUsd,
      recorded_attempts: u.attempts,
      running_attempts: snapshot.running.length,
    },
    store: {
      kind: h.kind,
      location: h.location,
      ok: h.ok,
      error: h.error,
      pending_writes: h.pendingWrites,
      shared: h.shared,
      // said plainly on the dashboard: what happens while the store is failing
      degraded: h.ok
        ? null
        : h.shared
          ? "store unavailable: nothing new is dispatched (leases cannot be taken); running work continues"
          : "store unavailable: scheduling continues from memory; writes are retried",
    },
    leases: durable.leases.map((l) => leaseJson(l, snapshot.generatedAt)),
    recent_runs: durable.recentRuns.map(attemptJson),
  };
}
