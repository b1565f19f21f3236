import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { TrackerError } from "../../domain/errors.js";
import { ok, type Result } from "../../domain/result.js";
import type { ObserverEvent, OrchestratorSnapshot, StatusSource } from "../../domain/snapshot.js";
import type { TrackerAdapter } from "../../tracker/adapter.js";
import { type Clock, systemClock } from "../../util/clock.js";

/** Prometheus metrics for one service: gauges read from snapshots at scrape time, counters from events. */
export interface SymphonyMetrics {
  /** The registry `/metrics` renders (never the prom-client global one). */
  readonly registry: Registry;
  /** Starts following a status source (snapshot gauges, agent events); returns the detach function. */
  attach(source: StatusSource): () => void;
  /** Wraps a tracker adapter so every read is timed and every failure counted by category. */
  instrumentTracker(adapter: TrackerAdapter): TrackerAdapter;
  /** Counts one tracker webhook delivery by outcome (`queued`, `duplicate`, `rejected`, …). */
  countWebhook(outcome: string): void;
  /** The Prometheus text exposition. */
  render(): Promise<string>;
  /** The content type to serve {@link render} with. */
  readonly contentType: string;
}

const TURN_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 3600];
const TRACKER_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Creates the metric set on a private registry. `clock` times agent turns. */
export function createMetrics(options: { readonly clock?: Clock } = {}): SymphonyMetrics {
  const clock = options.clock ?? systemClock;
  const registry = new Registry();
  let source: StatusSource | null = null;
  // One snapshot per scrape, shared by every collect callback of that scrape.
  let scrape: OrchestratorSnapshot | null = null;
  const snap = (): OrchestratorSnapshot | null => {
    if (source === null) return null;
    scrape ??= source.snapshot();
    return scrape;
  };
  const gauge = (name: string, help: string, read: (s: OrchestratorSnapshot) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const s = snap();
        if (s !== null) this.set(read(s));
      },
    });
  // Monotonic totals owned by the orchestrator, exposed as counters.
  const total = (name: string, help: string, read: (s: OrchestratorSnapshot) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const s = snap();
        if (s === null) return;
        this.reset();
        this.inc(read(s));
      },
    });

  gauge("symphony_running_agents", "Agent runs in progress.", (s) => s.running.length);
  gauge("symphony_retrying_issues", "Issues waiting in the retry queue.", (s) => s.retrying.length);
  gauge("symphony_blocked_issues", "Issues whose agent is waiting for a person.", (s) => s.blocked.length);
  gauge(
    "symphony_max_concurrent_agents",
    "Configured global concurrency limit.",
    (s) => s.limits.maxConcurrentAgents,
  );
  gauge(
    "symphony_agent_seconds_running",
    "Agent runtime in seconds, including live runs.",
    (s) => s.totals.secondsRunning,
  );
  gauge("symphony_workflow_error", "1 while the workflow/config/tracker reports an error.", (s) =>
    s.workflow.lastError === null ? 0 : 1,
  );
  new Gauge({
    name: "symphony_skipped_candidates",
    help: "Candidates not dispatched on the last tick, by reason.",
    labelNames: ["reason"],
    registers: [registry],
    collect() {
      const s = snap();
      if (s === null) return;
      this.reset();
      for (const row of s.skipped) this.inc({ reason: row.reason.kind });
    },
  });
  total("symphony_dispatches_total", "Agent runs started.", (s) => s.totals.runsStarted);
  total("symphony_runs_succeeded_total", "Agent runs that ended normally.", (s) => s.totals.runsSucceeded);
  total("symphony_runs_failed_total", "Agent runs that failed.", (s) => s.totals.runsFailed);
  total(
    "symphony_agent_cost_usd_total",
    "US dollars of priced model usage (docs/spend-and-safety.md).",
    (s) => s.totals.costUsd,
  );
  new Counter({
    name: "symphony_agent_tokens_total",
    help: "Tokens used by agents across every backend.",
    labelNames: ["direction"],
    registers: [registry],
    collect() {
      const s = snap();
      if (s === null) return;
      this.reset();
      this.inc({ direction: "input" }, s.totals.inputTokens);
      this.inc({ direction: "output" }, s.totals.outputTokens);
      this.inc({ direction: "total" }, s.totals.totalTokens);
    },
  });

  const failures = new Counter({
    name: "symphony_failures_total",
    help: "Agent failures by category (turn failure reason, startup_failed, malformed).",
    labelNames: ["category"],
    registers: [registry],
  });
  const agentEvents = new Counter({
    name: "symphony_agent_events_total",
    help: "Agent events received, by type.",
    labelNames: ["type"],
    registers: [registry],
  });
  const turnDuration = new Histogram({
    name: "symphony_agent_turn_duration_seconds",
    help: "Agent turn durations (session start or previous turn end to turn end).",
    labelNames: ["outcome"],
    buckets: TURN_BUCKETS,
    registers: [registry],
  });
  const trackerLatency = new Histogram({
    name: "symphony_tracker_request_duration_seconds",
    help: "Tracker read latency by operation.",
    labelNames: ["operation", "outcome"],
    buckets: TRACKER_BUCKETS,
    registers: [registry],
  });
  const trackerErrors = new Counter({
    name: "symphony_tracker_request_errors_total",
    help: "Tracker read failures by operation and category.",
    labelNames: ["operation", "category"],
    registers: [registry],
  });

  const runOutcomes = new Counter({
    name: "symphony_run_outcomes_total",
    help: "Finished agent runs by outcome and reason.",
    labelNames: ["outcome", "reason"],
    registers: [registry],
  });

  const webhooks = new Counter({
    name: "symphony_webhook_deliveries_total",
    help: "Tracker webhook deliveries by outcome.",
    labelNames: ["outcome"],
    registers: [registry],
  });

  // issueId → when its current turn started (receipt time, our clock)
  const turnStart = new Map<string, number>();
  const onEvent = (event: ObserverEvent): void => {
    if (event.type === "run_ended") {
      // the error code (or a cancel's stop kind), never a free-text sentence: labels stay few
      const reason = event.error?.code ?? (event.outcome === "cancelled" ? (event.reason ?? "") : "");
      runOutcomes.inc({ outcome: event.outcome, reason });
      turnStart.delete(event.issueId);
      return;
    }
    if (event.type !== "agent_event") return;
    const e = event.event;
    agentEvents.inc({ type: e.type });
    const now = clock.now();
    const endTurn = (outcome: string): void => {
      const start = turnStart.get(event.issueId);
      if (start !== undefined) turnDuration.observe({ outcome }, Math.max(0, (now - start) / 1000));
      turnStart.set(event.issueId, now);
    };
    switch (e.type) {
      case "session_started":
        turnStart.set(event.issueId, now);
        break;
      case "turn_completed":
        endTurn("completed");
        break;
      case "turn_failed":
        endTurn("failed");
        failures.inc({ category: e.reason });
        break;
      case "turn_cancelled":
        endTurn("cancelled");
        turnStart.delete(event.issueId);
        break;
      case "startup_failed":
        failures.inc({ category: "startup_failed" });
        break;
      case "malformed":
        failures.inc({ category: "malformed" });
        break;
      default:
        break;
    }
  };

  const timed = async <T>(
    operation: string,
    run: () => Promise<Result<T, TrackerError>>,
  ): Promise<Result<T, TrackerError>> => {
    const started = performance.now();
    try {
      const result = await run();
      const outcome = result.ok ? "ok" : "error";
      trackerLatency.observe({ operation, outcome }, (performance.now() - started) / 1000);
      if (!result.ok) trackerErrors.inc({ operation, category: result.error.category });
      return result;
    } catch (error) {
      trackerLatency.observe({ operation, outcome: "error" }, (performance.now() - started) / 1000);
      trackerErrors.inc({ operation, category: "exception" });
      throw error;
    }
  };

  return {
    registry,
    contentType: registry.contentType,
    attach(next) {
      source = next;
      const unsubscribe = next.subscribe(onEvent);
      return () => {
        unsubscribe();
        if (source === next) source = null;
        turnStart.clear();
      };
    },
    instrumentTracker(adapter) {
      return {
        kind: adapter.kind,
        fetchIssuesByStates: (states, signal) =>
          timed("fetch_issues_by_states", () => adapter.fetchIssuesByStates(states, signal)),
        fetchIssuesByIds: (ids, signal) =>
          timed("fetch_issues_by_ids", () => adapter.fetchIssuesByIds(ids, signal)),
        toolSpecs: () => adapter.toolSpecs(),
        executeTool: (name, args, context) => adapter.executeTool(name, args, context),
        secretEnvNames: () => adapter.secretEnvNames(),
        rateLimits: () => adapter.rateLimits(),
        close: () => adapter.close(),
        ...(adapter.verifyWebhook === undefined
          ? {}
          : { verifyWebhook: adapter.verifyWebhook.bind(adapter) }),
        ...(adapter.addComment === undefined ? {} : { addComment: adapter.addComment.bind(adapter) }),
        ...(adapter.listComments === undefined
          ? {}
          : {
              listComments: (issueId: string, signal: AbortSignal) =>
                timed("list_comments", async () => {
                  const list = adapter.listComments;
                  return list === undefined ? ok([]) : list.call(adapter, issueId, signal);
                }),
            }),
      };
    },
    countWebhook(outcome) {
      webhooks.inc({ outcome });
    },
    async render() {
      try {
        return await registry.metrics();
      } finally {
        scrape = null;
      }
    },
  };
}
