import { afterEach, describe, expect, it } from "vitest";
import { makeIssue, testConfig } from "../support/orchestrator/fixtures.js";
import { type Harness, harness } from "../support/orchestrator/harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const usage = (input: number, output: number) => ({
  type: "token_usage" as const,
  totals: { inputTokens: input, outputTokens: output, totalTokens: input + output },
  at: 0,
});

describe("17.4 snapshot", () => {
  it("17.4: the snapshot returns running rows, retry rows, token totals and rate limits", async () => {
    h = await harness([makeIssue({ identifier: "P-1" }), makeIssue({ identifier: "P-2" })]);
    await h.orchestrator.start();
    await h.settle();
    h.launcher.emit("id-P-1", {
      type: "session_started",
      sessionId: "th-tu1",
      threadId: "th",
      turnId: "tu1",
      pid: "42",
      at: 0,
    });
    h.launcher.emit("id-P-1", usage(100, 20));
    h.launcher.emit("id-P-1", {
      type: "rate_limits",
      rateLimits: { limit_id: "codex", primary: { used: 1 } },
      at: 0,
    });
    h.launcher.finish("id-P-2", {
      outcome: "failed",
      error: { code: "turn_failed", message: "boom", retryable: true },
    });
    await h.settle();
    h.clock.advance(5_000);
    const snap = h.orchestrator.snapshot();
    expect(snap.running).toHaveLength(1);
    expect(snap.running[0]).toMatchObject({
      identifier: "P-1",
      sessionId: "th-tu1",
      pid: "42",
      turnCount: 1,
      lastEvent: "rate_limits",
      tokens: { inputTokens: 100, outputTokens: 20, totalTokens: 120 },
    });
    expect(snap.retrying.map((r) => r.identifier)).toEqual(["P-2"]);
    expect(snap.totals).toMatchObject({
      inputTokens: 100,
      outputTokens: 20,
      totalTokens: 120,
      runsStarted: 2,
      runsFailed: 1,
    });
    expect(snap.totals.secondsRunning).toBeGreaterThanOrEqual(5);
    expect(snap.rateLimits).toEqual({ limit_id: "codex", primary: { used: 1 } });
    expect(Object.isFrozen(snap)).toBe(true);
    expect(Object.isFrozen(snap.running[0])).toBe(true);
  });

  it("token_usage carries absolute totals: only growth is counted, regressions are ignored", async () => {
    h = await harness([makeIssue({ identifier: "P-3" })]);
    await h.orchestrator.start();
    await h.settle();
    h.launcher.emit("id-P-3", usage(100, 10));
    h.launcher.emit("id-P-3", usage(100, 10));
    h.launcher.emit("id-P-3", usage(90, 5));
    h.launcher.emit("id-P-3", usage(150, 30));
    expect(h.orchestrator.snapshot().totals).toMatchObject({
      inputTokens: 150,
      outputTokens: 30,
      totalTokens: 180,
    });
    h.launcher.finish("id-P-3", { outcome: "completed", turns: 1 });
    await h.settle();
    await h.advance(1000);
    h.launcher.emit("id-P-3", usage(40, 4)); // a new session starts again from zero
    expect(h.orchestrator.snapshot().totals).toMatchObject({ inputTokens: 190, outputTokens: 34 });
  });

  it("17.4: snapshot stays available while the tracker fails and surfaces the error", async () => {
    h = await harness([makeIssue({ identifier: "P-4" })]);
    h.tracker.failNext("tracker_request"); // startup cleanup
    h.tracker.failNext("tracker_status", "HTTP 502"); // first tick
    await h.orchestrator.start();
    await h.settle();
    const snap = h.orchestrator.snapshot();
    expect(snap.workflow.lastError).toBe("tracker: HTTP 502");
    expect(snap.running).toEqual([]);
    await h.advance(30_000); // retried next tick, service still up
    expect(h.launcher.live()).toEqual(["id-P-4"]);
    expect(h.orchestrator.snapshot().workflow.lastError).toBeNull();
  });

  it("observers get run_started, agent_event, run_ended and snapshot_changed; a throwing observer cannot hurt", async () => {
    h = await harness([makeIssue({ identifier: "P-5" })]);
    h.orchestrator.subscribe(() => {
      throw new Error("bad observer");
    });
    await h.orchestrator.start();
    await h.settle();
    h.launcher.emit("id-P-5", { type: "output", stream: "stdout", line: "hello", at: 0 });
    h.launcher.finish("id-P-5", { outcome: "completed", turns: 1 });
    await h.settle();
    const types = h.events.map((e) => e.type);
    expect(types).toContain("run_started");
    expect(types).toContain("agent_event");
    expect(types).toContain("run_ended");
    expect(types).toContain("snapshot_changed");
    expect(h.events.find((e) => e.type === "run_ended")).toMatchObject({
      identifier: "P-5",
      outcome: "completed",
    });
  });

  it("requestRefresh runs a tick now and coalesces while one is queued", async () => {
    h = await harness([]);
    await h.orchestrator.start();
    await h.settle();
    h.tracker.upsert(makeIssue({ identifier: "P-6" }));
    expect(h.orchestrator.requestRefresh()).toEqual({ coalesced: false });
    expect(h.orchestrator.requestRefresh()).toEqual({ coalesced: true });
    await h.settle();
    expect(h.launcher.live()).toEqual(["id-P-6"]);
  });
});

describe("blocked (input required)", () => {
  it("an agent asking for input parks the issue as blocked with the question, not retried", async () => {
    h = await harness([makeIssue({ identifier: "K-1" })]);
    await h.orchestrator.start();
    await h.settle();
    h.launcher.finish("id-K-1", { outcome: "blocked", kind: "user_input", question: "Which database?" });
    await h.settle();
    const snap = h.orchestrator.snapshot();
    expect(snap.retrying).toEqual([]);
    expect(snap.blocked).toMatchObject([
      { identifier: "K-1", question: "Which database?", kind: "user_input" },
    ]);
    await h.advance(30_000);
    await h.advance(30_000);
    expect(h.launcher.requests).toHaveLength(1);
    expect(h.orchestrator.snapshot().skipped[0]?.reason).toEqual({ kind: "blocked_on_input" });
  });

  it("the blocked row keeps the run's last event, message and time (what the operator reads beside the question)", async () => {
    h = await harness([makeIssue({ identifier: "K-9" })]);
    await h.orchestrator.start();
    await h.settle();
    const at = h.clock.now();
    h.launcher.emit("id-K-9", {
      type: "notification",
      method: "agent/note",
      summary: "asking which database",
      at,
    });
    await h.settle();
    h.launcher.finish("id-K-9", { outcome: "blocked", kind: "user_input", question: "Which database?" });
    await h.settle();
    expect(h.orchestrator.snapshot().blocked).toMatchObject([
      {
        identifier: "K-9",
        lastEvent: "notification",
        lastMessage: expect.stringContaining("asking which database"),
        lastEventAt: at,
      },
    ]);
  });

  it("a finished issue stays known to the snapshot after its claim is released; a stopped service refuses refreshes", async () => {
    h = await harness([makeIssue({ identifier: "F-1" })]);
    await h.orchestrator.start();
    await h.settle();
    h.launcher.finish("id-F-1", { outcome: "completed", turns: 1 });
    await h.settle();
    expect(h.orchestrator.snapshot().finished).toMatchObject([{ identifier: "F-1", outcome: "completed" }]);
    await h.orchestrator.stop();
    expect(h.orchestrator.requestRefresh()).toEqual({ coalesced: false, stopping: true });
  });

  it("a blocked issue is released when the tracker moves it out of the active states", async () => {
    h = await harness([makeIssue({ identifier: "K-2" })]);
    await h.orchestrator.start();
    await h.settle();
    h.launcher.finish("id-K-2", { outcome: "blocked", kind: "approval", question: "run rm?" });
    await h.settle();
    h.tracker.update("id-K-2", { state: "Backlog" });
    await h.advance(30_000);
    expect(h.orchestrator.snapshot().blocked).toEqual([]);
    h.tracker.update("id-K-2", { state: "Todo" });
    await h.advance(30_000);
    expect(h.launcher.live()).toEqual(["id-K-2"]);
  });

  it("the blocked row keeps the kind the agent reported (an MCP elicitation stays an elicitation)", async () => {
    h = await harness([makeIssue({ identifier: "K-4" })]);
    await h.orchestrator.start();
    await h.settle();
    h.launcher.emit("id-K-4", {
      type: "input_required",
      kind: "elicitation",
      question: "Pick a repo",
      at: 0,
    });
    await h.settle();
    h.launcher.finish("id-K-4", { outcome: "blocked", kind: "user_input", question: "input required" });
    await h.settle();
    expect(h.orchestrator.snapshot().blocked).toMatchObject([
      { identifier: "K-4", kind: "elicitation", question: "Pick a repo" },
    ]);
  });

  it("a stalled run that was waiting for input becomes blocked instead of retried", async () => {
    h = await harness([makeIssue({ identifier: "K-3" })], { codex: { stallTimeoutMs: 1000 } });
    await h.orchestrator.start();
    await h.settle();
    h.launcher.emit("id-K-3", { type: "input_required", kind: "user_input", question: "ok?", at: 0 });
    await h.advance(30_000);
    await h.settle();
    const snap = h.orchestrator.snapshot();
    expect(snap.retrying).toEqual([]);
    expect(snap.blocked).toMatchObject([{ identifier: "K-3", question: "ok?" }]);
  });
});

describe("dynamic reload and validation", () => {
  it("a new poll interval and concurrency apply to the next tick without killing in-flight runs", async () => {
    h = await harness(
      [makeIssue({ identifier: "W-1", priority: 1 }), makeIssue({ identifier: "W-2", priority: 2 })],
      {
        agent: { maxConcurrentAgents: 1 },
      },
    );
    await h.orchestrator.start();
    await h.settle();
    expect(h.launcher.live()).toEqual(["id-W-1"]);
    h.workflow.update(
      testConfig(h.dir, { agent: { maxConcurrentAgents: 2 }, polling: { intervalMs: 5_000 } }),
    );
    await h.advance(30_000); // the old interval's tick picks up the new config
    expect(h.launcher.live().sort()).toEqual(["id-W-1", "id-W-2"]);
    expect(h.orchestrator.snapshot().polling.intervalMs).toBe(5_000);
    h.tracker.upsert(makeIssue({ identifier: "W-3" }));
    h.workflow.update(
      testConfig(h.dir, { agent: { maxConcurrentAgents: 3 }, polling: { intervalMs: 5_000 } }),
    );
    await h.advance(5_000);
    expect(h.launcher.live()).toHaveLength(3);
    h.workflow.update(
      testConfig(h.dir, { agent: { maxConcurrentAgents: 1 }, polling: { intervalMs: 5_000 } }),
    );
    await h.advance(5_000);
    expect(h.launcher.live()).toHaveLength(3); // lowering the cap never kills runs
  });

  it("the prompt template in force at dispatch is the one the run gets", async () => {
    h = await harness([makeIssue({ identifier: "W-4" })]);
    h.workflow.update(h.config(), "New prompt for {{ issue.identifier }}");
    await h.orchestrator.start();
    await h.settle();
    const rendered = h.launcher.requests[0]?.workflow.render(h.launcher.requests[0].issue, null);
    expect(rendered).toEqual({ ok: true, value: "New prompt for W-4" });
  });

  it("an invalid workflow skips dispatch but reconciliation still runs", async () => {
    h = await harness([makeIssue({ identifier: "V-1" })]);
    await h.orchestrator.start();
    await h.settle();
    h.tracker.upsert(makeIssue({ identifier: "V-2" }));
    h.tracker.update("id-V-1", { state: "Done" });
    h.workflow.fail({
      code: "invalid_workflow_config",
      message: "agent.max_turns must be a positive integer, got 0",
      path: h.config().workflowPath,
    });
    await h.advance(30_000);
    expect(h.launcher.live()).toEqual([]); // V-1 reconciled away, V-2 not dispatched
    expect(h.orchestrator.snapshot().workflow.lastError).toMatch(/max_turns/);
    h.workflow.update(h.config());
    await h.advance(30_000);
    expect(h.launcher.live()).toEqual(["id-V-2"]);
  });

  it("stop() does not wait for a hanging tracker call: the call's signal is aborted", async () => {
    h = await harness([]);
    await h.orchestrator.start();
    await h.settle();
    let seen: AbortSignal | null = null;
    const original = h.tracker.fetchIssuesByStates.bind(h.tracker);
    h.tracker.fetchIssuesByStates = (_states, signal) => {
      seen = signal ?? null;
      return new Promise((resolve) =>
        signal?.addEventListener("abort", () =>
          resolve({ ok: false, error: { category: "tracker_request", message: "aborted", retryable: true } }),
        ),
      );
    };
    h.orchestrator.requestRefresh();
    await new Promise((r) => setImmediate(r));
    expect(seen).not.toBeNull();
    await h.orchestrator.stop(); // would hang for the 60 s call timeout without the stop signal
    expect((seen as AbortSignal | null)?.aborted).toBe(true);
    h.tracker.fetchIssuesByStates = original;
  });

  it("stop() aborts running workers and leaves no timers", async () => {
    h = await harness([makeIssue({ identifier: "X-1" })]);
    await h.orchestrator.start();
    await h.settle();
    h.launcher.finish("id-X-1", {
      outcome: "failed",
      error: { code: "turn_failed", message: "x", retryable: true },
    });
    h.tracker.upsert(makeIssue({ identifier: "X-2" }));
    h.orchestrator.requestRefresh();
    await h.settle();
    expect(h.launcher.live()).toEqual(["id-X-2"]);
    await h.orchestrator.stop();
    expect(h.launcher.live()).toEqual([]);
    expect(h.clock.pendingTimers).toBe(0);
    expect(h.orchestrator.snapshot().retrying).toEqual([]);
  });
});
