import { afterEach, describe, expect, it } from "vitest";
import type { AgentEvent } from "../../../src/domain/agent-event.js";
import { describeHttpStartError, startHttpServer } from "../../../src/observability/http/server.js";
import { createMetrics } from "../../../src/observability/metrics/metrics.js";
import type { TrackerAdapter } from "../../../src/tracker/adapter.js";
import { FakeStatusSource } from "../../support/fake-status-source.js";
import { ManualClock } from "../../support/manual-clock.js";
import { busySnapshot, FIXTURE_NOW } from "../../support/snapshot-fixtures.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve(source: FakeStatusSource): Promise<{ base: string; source: FakeStatusSource }> {
  const started = await startHttpServer({ source, host: "127.0.0.1", port: 0, authToken: null });
  if (!started.ok) throw new Error(describeHttpStartError(started.error));
  cleanups.push(() => started.value.close());
  return { base: started.value.url.replace(/\/$/, ""), source };
}

describe("GET /metrics (Prometheus)", () => {
  it("exposes running/retrying/blocked, dispatches, tokens, failures by category and turn durations", async () => {
    const { base, source } = await serve(new FakeStatusSource(busySnapshot()));
    const at = Date.now();
    source.emit({
      type: "agent_event",
      issueId: "i",
      identifier: "MT-649",
      event: { type: "session_started", at, sessionId: "s", threadId: "t", turnId: "u", pid: null },
    });
    source.emit({
      type: "agent_event",
      issueId: "i",
      identifier: "MT-649",
      event: { type: "turn_failed", at, turn: 1, reason: "turn_timeout", message: "slow" },
    });
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    expect(text).toContain("symphony_running_agents 2");
    expect(text).toContain("symphony_retrying_issues 2");
    expect(text).toContain("symphony_blocked_issues 1");
    expect(text).toContain("symphony_dispatches_total 9");
    expect(text).toContain('symphony_agent_tokens_total{direction="total"} 74000');
    expect(text).toContain('symphony_failures_total{category="turn_timeout"} 1');
    expect(text).toContain('symphony_agent_turn_duration_seconds_count{outcome="failed"} 1');
    expect(text).toContain('symphony_skipped_candidates{reason="blocked_by"} 1');
  });

  it("instrumentTracker times tracker reads and counts failures by category", async () => {
    const metrics = createMetrics();
    const fake: TrackerAdapter = {
      kind: "fake",
      fetchIssuesByStates: async () => ({ ok: true, value: [] }),
      fetchIssuesByIds: async () => ({
        ok: false,
        error: { category: "tracker_rate_limited", message: "429", retryable: true },
      }),
      toolSpecs: () => [],
      executeTool: async () => ({ success: true, output: null }),
      secretEnvNames: () => ["FAKE_KEY"],
      rateLimits: () => null,
      close: async () => {},
    };
    const tracker = metrics.instrumentTracker(fake);
    const signal = new AbortController().signal;
    expect((await tracker.fetchIssuesByStates(["Todo"], signal)).ok).toBe(true);
    expect((await tracker.fetchIssuesByIds(["x"], signal)).ok).toBe(false);
    expect(tracker.secretEnvNames()).toEqual(["FAKE_KEY"]);
    const text = await metrics.render();
    expect(text).toContain(
      'symphony_tracker_request_duration_seconds_count{operation="fetch_issues_by_states",outcome="ok"} 1',
    );
    expect(text).toContain(
      'symphony_tracker_request_errors_total{operation="fetch_issues_by_ids",category="tracker_rate_limited"} 1',
    );
  });

  it("instrumentTracker keeps the adapter's verifyWebhook (and adds none when the adapter has none)", () => {
    const metrics = createMetrics();
    const base: TrackerAdapter = {
      kind: "fake",
      fetchIssuesByStates: async () => ({ ok: true, value: [] }),
      fetchIssuesByIds: async () => ({ ok: true, value: [] }),
      toolSpecs: () => [],
      executeTool: async () => ({ success: true, output: null }),
      secretEnvNames: () => [],
      rateLimits: () => null,
      close: async () => {},
    };
    expect(metrics.instrumentTracker(base).verifyWebhook).toBeUndefined();
    const verifying: TrackerAdapter = {
      ...base,
      verifyWebhook: (_request, secret) =>
        secret === "s"
          ? { ok: true, value: { deliveryId: "d", relevant: true } }
          : { ok: false, error: "no" },
    };
    const wrapped = metrics.instrumentTracker(verifying);
    const request = { headers: {}, body: new Uint8Array() };
    expect(wrapped.verifyWebhook?.(request, "s")).toEqual({
      ok: true,
      value: { deliveryId: "d", relevant: true },
    });
    expect(wrapped.verifyWebhook?.(request, "x")).toEqual({ ok: false, error: "no" });
  });

  it("turn durations come from the injected clock; run_ended outcomes are counted; detach unsubscribes", async () => {
    const clock = new ManualClock(FIXTURE_NOW);
    const source = new FakeStatusSource(busySnapshot());
    const metrics = createMetrics({ clock });
    const detach = metrics.attach(source);
    const agent = (event: AgentEvent) =>
      source.emit({ type: "agent_event", issueId: "i-1", identifier: "T-1", event });
    agent({ type: "session_started", at: 0, sessionId: "s", threadId: "t", turnId: "u", pid: null });
    clock.advance(42_000);
    agent({ type: "turn_completed", at: 0, turn: 1, message: "" });
    clock.advance(7_000);
    agent({ type: "turn_completed", at: 0, turn: 2, message: "" });
    source.emit({
      type: "run_ended",
      issueId: "i-1",
      identifier: "T-1",
      runId: "r",
      outcome: "stalled",
      reason: "stalled: no agent activity for 300000ms",
      error: { code: "stalled", message: "no agent activity for 300000ms", retryable: true },
    });
    const text = await metrics.render();
    expect(text).toContain('symphony_agent_turn_duration_seconds_sum{outcome="completed"} 49');
    expect(text).toContain('symphony_agent_turn_duration_seconds_bucket{le="60",outcome="completed"} 2');
    expect(text).toContain('symphony_agent_turn_duration_seconds_bucket{le="30",outcome="completed"} 1');
    expect(text).toContain('symphony_run_outcomes_total{outcome="stalled",reason="stalled"} 1');
    expect(text).toContain('symphony_agent_events_total{type="turn_completed"} 2');
    detach();
    expect(source.listenerCount).toBe(0);
  });
});
