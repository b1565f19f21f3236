import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { makeIssue } from "../support/orchestrator/fixtures.js";
import { type Harness, harness } from "../support/orchestrator/harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const at = (iso: string) => Date.parse(iso);

describe("17.4 dispatch", () => {
  it("17.4: dispatch sort order is priority then oldest creation time (identifier breaks ties)", async () => {
    const issues = [
      makeIssue({ identifier: "A-5", priority: null, createdAt: at("2025-01-01") }),
      makeIssue({ identifier: "A-4", priority: 7, createdAt: at("2024-01-01") }),
      makeIssue({ identifier: "A-3", priority: 2, createdAt: at("2025-03-01") }),
      makeIssue({ identifier: "A-2", priority: 2, createdAt: at("2025-02-01") }),
      makeIssue({ identifier: "A-1", priority: 1, createdAt: null }),
      makeIssue({ identifier: "A-0", priority: 2, createdAt: at("2025-02-01") }),
    ];
    h = await harness(issues, { agent: { maxConcurrentAgents: 6 } });
    await h.orchestrator.start();
    await h.settle();
    expect(h.launcher.requests.map((r) => r.issue.identifier)).toEqual([
      "A-1",
      "A-0",
      "A-2",
      "A-3",
      "A-4",
      "A-5",
    ]);
  });

  it("17.4: dispatchable=false issues are not eligible", async () => {
    h = await harness([
      makeIssue({ identifier: "N-1", dispatchable: false }),
      makeIssue({ identifier: "N-2" }),
    ]);
    await h.orchestrator.start();
    await h.settle();
    expect(h.launcher.live()).toEqual(["id-N-2"]);
    expect(h.orchestrator.snapshot().skipped).toContainEqual({
      issueId: "id-N-1",
      identifier: "N-1",
      state: "Todo",
      reason: { kind: "not_dispatchable" },
    });
  });

  it("17.4: required-label filtering is case-insensitive and applies after adapter normalisation", async () => {
    h = await harness(
      [
        makeIssue({ identifier: "L-1", labels: ["symphony", "bug"] }),
        makeIssue({ identifier: "L-2", labels: ["bug"] }),
      ],
      { tracker: { requiredLabels: ["symphony"] } },
    );
    await h.orchestrator.start();
    await h.settle();
    expect(h.launcher.live()).toEqual(["id-L-1"]);
    const skip = h.orchestrator.snapshot().skipped.find((s) => s.identifier === "L-2");
    expect(skip?.reason).toEqual({ kind: "missing_labels", labels: ["symphony"] });
  });

  it("Todo issues with a non-terminal blocker are not dispatched and the snapshot names the blocker", async () => {
    h = await harness([
      makeIssue({ identifier: "B-1", blockedBy: [{ id: "x", identifier: "B-0", state: "In Progress" }] }),
      makeIssue({ identifier: "B-2", blockedBy: [{ id: "y", identifier: "B-9", state: "Done" }] }),
    ]);
    await h.orchestrator.start();
    await h.settle();
    expect(h.launcher.live()).toEqual(["id-B-2"]);
    expect(h.orchestrator.snapshot().skipped[0]?.reason).toEqual({ kind: "blocked_by", blockers: ["B-0"] });
  });

  it("global and per-state caps limit dispatch and each waiting candidate says why", async () => {
    h = await harness(
      [
        makeIssue({ identifier: "C-1", priority: 1 }),
        makeIssue({ identifier: "C-2", priority: 2, state: "In Progress" }),
        makeIssue({ identifier: "C-3", priority: 3 }),
        makeIssue({ identifier: "C-4", priority: 4, state: "In Progress" }),
      ],
      { agent: { maxConcurrentAgents: 3, maxConcurrentAgentsByState: { todo: 1 } } },
    );
    await h.orchestrator.start();
    await h.settle();
    expect(h.launcher.live().sort()).toEqual(["id-C-1", "id-C-2", "id-C-4"]);
    const reasons = Object.fromEntries(
      h.orchestrator.snapshot().skipped.map((s) => [s.identifier, s.reason]),
    );
    expect(reasons["C-3"]).toEqual({ kind: "state_cap", state: "Todo", limit: 1 });
    await h.advance(30_000);
    const again = Object.fromEntries(h.orchestrator.snapshot().skipped.map((s) => [s.identifier, s.reason]));
    expect(again["C-1"]).toEqual({ kind: "running" });
    expect(again["C-3"]).toEqual({ kind: "no_global_slot", limit: 3 });
  });

  it("a running issue is never dispatched twice", async () => {
    h = await harness([makeIssue({ identifier: "D-1" })]);
    await h.orchestrator.start();
    await h.settle();
    await h.advance(30_000);
    await h.advance(30_000);
    expect(h.launcher.requests).toHaveLength(1);
  });
});

describe("17.4 reconciliation", () => {
  it("17.4: active-state issue refresh updates the running entry state", async () => {
    h = await harness([makeIssue({ identifier: "R-1" })]);
    await h.orchestrator.start();
    await h.settle();
    h.tracker.update("id-R-1", { state: "In Progress", title: "renamed" });
    await h.advance(30_000);
    const row = h.orchestrator.snapshot().running[0];
    expect(row?.state).toBe("In Progress");
    expect(row?.title).toBe("renamed");
    expect(h.launcher.live()).toEqual(["id-R-1"]);
  });

  it("17.4: non-active state stops the running agent without workspace cleanup", async () => {
    h = await harness([makeIssue({ identifier: "R-2" })], { hooks: { beforeRemove: "echo bye" } });
    const ws = join(h.dir, "workspaces", "R-2");
    await mkdir(ws, { recursive: true });
    await h.orchestrator.start();
    await h.settle();
    h.tracker.update("id-R-2", { state: "Human Review" });
    await h.advance(30_000);
    expect(h.launcher.live()).toEqual([]);
    const snap = h.orchestrator.snapshot();
    expect(snap.running).toEqual([]);
    expect(snap.retrying).toEqual([]);
    expect(existsSync(ws)).toBe(true);
    expect(h.host.scripts.map((s) => s.script)).not.toContain("echo bye");
  });

  it("17.4: terminal state stops the running agent and cleans the workspace (before_remove runs)", async () => {
    h = await harness([makeIssue({ identifier: "R-3" })], { hooks: { beforeRemove: "echo bye" } });
    const ws = join(h.dir, "workspaces", "R-3");
    await mkdir(ws, { recursive: true });
    await writeFile(join(ws, "file.txt"), "x");
    await h.orchestrator.start();
    await h.settle();
    h.tracker.update("id-R-3", { state: "Done" });
    await h.advance(30_000);
    await h.orchestrator.stop();
    expect(h.launcher.live()).toEqual([]);
    expect(existsSync(ws)).toBe(false);
    expect(h.host.scripts.map((s) => s.script)).toContain("echo bye");
  });

  it("a handed-off issue a person later moves to a terminal state loses its workspace on the next reconciliation", async () => {
    h = await harness([makeIssue({ identifier: "R-9" })], { hooks: { beforeRemove: "echo bye" } });
    const ws = join(h.dir, "workspaces", "R-9");
    await mkdir(ws, { recursive: true });
    await h.orchestrator.start();
    await h.settle();
    // the agent hands off; the continuation check releases the claim and keeps the workspace
    h.tracker.update("id-R-9", { state: "Human Review" });
    h.launcher.finish("id-R-9", { outcome: "completed", turns: 1 });
    await h.settle();
    await h.advance(1_000);
    expect(h.orchestrator.snapshot().retrying).toEqual([]);
    expect(existsSync(ws)).toBe(true);
    // a person closes it: no restart needed for the workspace to go (through the one removal path)
    h.tracker.update("id-R-9", { state: "Done" });
    await h.advance(30_000);
    await h.orchestrator.stop();
    expect(existsSync(ws)).toBe(false);
    expect(h.host.scripts.map((s) => s.script)).toContain("echo bye");
  });

  it("an issue that disappears from the tracker stops without cleanup", async () => {
    h = await harness([makeIssue({ identifier: "R-4" })]);
    const ws = join(h.dir, "workspaces", "R-4");
    await mkdir(ws, { recursive: true });
    await h.orchestrator.start();
    await h.settle();
    h.tracker.remove("id-R-4");
    await h.advance(30_000);
    expect(h.launcher.live()).toEqual([]);
    expect(existsSync(ws)).toBe(true);
  });

  it("17.4: reconciliation with no running issues is a no-op (no refresh request)", async () => {
    h = await harness([makeIssue({ identifier: "Z-1", state: "Backlog" })]);
    await h.orchestrator.start();
    await h.settle();
    const callsAfterFirst = h.tracker.calls;
    await h.advance(30_000);
    // one fetch by states per tick and nothing else
    expect(h.tracker.calls - callsAfterFirst).toBe(1);
  });

  it("a failed reconciliation refresh keeps workers running", async () => {
    h = await harness([makeIssue({ identifier: "R-5" })]);
    await h.orchestrator.start();
    await h.settle();
    h.tracker.update("id-R-5", { state: "Done" });
    h.tracker.failNext("tracker_status", "boom");
    await h.advance(30_000);
    expect(h.launcher.live()).toEqual(["id-R-5"]);
  });

  it("17.4: stall detection kills stalled sessions and schedules a retry", async () => {
    h = await harness([makeIssue({ identifier: "S-1" })], {
      codex: { stallTimeoutMs: 60_000 },
      polling: { intervalMs: 10_000 },
    });
    await h.orchestrator.start();
    await h.settle();
    h.launcher.emit("id-S-1", { type: "notification", method: "x", summary: "alive", at: 0 });
    for (let i = 0; i < 6; i += 1) await h.advance(10_000); // ticks every 10 s; 60 s silent is not yet a stall
    expect(h.launcher.live()).toEqual(["id-S-1"]);
    await h.advance(10_000);
    expect(h.launcher.live()).toEqual([]);
    const retry = h.orchestrator.snapshot().retrying[0];
    expect(retry?.kind).toBe("failure");
    expect(retry?.attempt).toBe(1);
    expect(retry?.error).toMatch(/^stalled: no agent activity for \d+ms$/);
    expect(retry?.errorDetail).toMatchObject({ code: "stalled", retryable: true });
  });

  it("8.5: stderr lines are not progress; a run that only writes stderr is still stalled", async () => {
    h = await harness([makeIssue({ identifier: "S-3" })], {
      codex: { stallTimeoutMs: 60_000 },
      polling: { intervalMs: 10_000 },
    });
    await h.orchestrator.start();
    await h.settle();
    for (let i = 0; i < 7; i += 1) {
      h.launcher.emit("id-S-3", { type: "output", stream: "stderr", line: "WARN retrying", at: 0 });
      await h.advance(10_000);
    }
    expect(h.launcher.live()).toEqual([]);
    expect(h.orchestrator.snapshot().retrying[0]?.errorDetail?.code).toBe("stalled");
  });

  it("stall detection is disabled when stall_timeout_ms <= 0", async () => {
    h = await harness([makeIssue({ identifier: "S-2" })], { codex: { stallTimeoutMs: 0 } });
    await h.orchestrator.start();
    await h.settle();
    await h.advance(3_600_000);
    expect(h.launcher.live()).toEqual(["id-S-2"]);
  });
});

describe("17.4 retries", () => {
  it("17.4: normal worker exit schedules a short continuation retry (attempt 1)", async () => {
    h = await harness([makeIssue({ identifier: "E-1" })]);
    await h.orchestrator.start();
    await h.settle();
    const t0 = h.clock.now();
    h.launcher.finish("id-E-1", { outcome: "completed", turns: 1 });
    await h.settle();
    const retry = h.orchestrator.snapshot().retrying[0];
    expect(retry).toMatchObject({
      identifier: "E-1",
      attempt: 1,
      kind: "continuation",
      dueAt: t0 + 1000,
      error: null,
    });
    await h.advance(1000);
    expect(h.launcher.requests.map((r) => r.attempt)).toEqual([null, 1]);
  });

  it("17.4: abnormal worker exit increments retries with 10s-based exponential backoff", async () => {
    h = await harness([makeIssue({ identifier: "E-2" })]);
    await h.orchestrator.start();
    await h.settle();
    const delays: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      h.launcher.finish("id-E-2", {
        outcome: "failed",
        error: { code: "turn_failed", message: "turn failed", retryable: true },
      });
      await h.settle();
      const retry = h.orchestrator.snapshot().retrying[0];
      expect(retry?.attempt).toBe(i + 1);
      delays.push((retry?.dueAt ?? 0) - h.clock.now());
      await h.advance(retry === undefined ? 0 : retry.dueAt - h.clock.now());
    }
    expect(delays).toEqual([10_000, 20_000, 40_000]);
    expect(h.launcher.requests.map((r) => r.attempt)).toEqual([null, 1, 2, 3]);
  });

  it("17.4: retry backoff cap uses configured agent.max_retry_backoff_ms", async () => {
    h = await harness([makeIssue({ identifier: "E-3" })], { agent: { maxRetryBackoffMs: 15_000 } });
    await h.orchestrator.start();
    await h.settle();
    for (let i = 0; i < 3; i += 1) {
      h.launcher.finish("id-E-3", {
        outcome: "failed",
        error: { code: "turn_failed", message: "x", retryable: true },
      });
      await h.settle();
      const retry = h.orchestrator.snapshot().retrying[0];
      expect((retry?.dueAt ?? 0) - h.clock.now()).toBe(i === 0 ? 10_000 : 15_000);
      await h.advance(15_000);
    }
  });

  it("17.4: retry queue entries include attempt, due time, identifier and error", async () => {
    h = await harness([makeIssue({ identifier: "E-4", url: "https://t/E-4" })]);
    await h.orchestrator.start();
    await h.settle();
    h.launcher.finish("id-E-4", {
      outcome: "failed",
      error: { code: "turn_failed", message: "nope", retryable: true },
    });
    await h.settle();
    expect(h.orchestrator.snapshot().retrying).toEqual([
      {
        issueId: "id-E-4",
        identifier: "E-4",
        url: "https://t/E-4",
        attempt: 1,
        dueAt: h.clock.now() + 10_000,
        kind: "failure",
        error: "turn_failed: nope",
        errorDetail: { code: "turn_failed", message: "nope", retryable: true },
        workspacePath: join(h.dir, "workspaces", "E-4"),
        host: "local",
      },
    ]);
  });

  it("17.4: slot exhaustion requeues retries with an explicit error reason", async () => {
    h = await harness(
      [makeIssue({ identifier: "Q-1", priority: 1 }), makeIssue({ identifier: "Q-2", priority: 2 })],
      {
        agent: { maxConcurrentAgents: 1 },
      },
    );
    await h.orchestrator.start();
    await h.settle();
    h.launcher.finish("id-Q-1", {
      outcome: "failed",
      error: { code: "turn_failed", message: "x", retryable: true },
    });
    await h.settle();
    await h.advance(1); // next tick is far away; make a slot holder by dispatching Q-2 via refresh
    h.orchestrator.requestRefresh();
    await h.settle();
    expect(h.launcher.live()).toEqual(["id-Q-2"]);
    await h.advance(10_000);
    const retry = h.orchestrator.snapshot().retrying.find((r) => r.identifier === "Q-1");
    expect(retry).toMatchObject({
      attempt: 2,
      error: "no_slots: no available orchestrator slots",
      kind: "failure",
    });
  });

  it("a retry re-fetches the issue and releases the claim when it is no longer a candidate", async () => {
    h = await harness([makeIssue({ identifier: "F-1" })]);
    await h.orchestrator.start();
    await h.settle();
    h.launcher.finish("id-F-1", { outcome: "completed", turns: 2 });
    await h.settle();
    h.tracker.update("id-F-1", { state: "Human Review" });
    await h.advance(1000);
    const snap = h.orchestrator.snapshot();
    expect(snap.retrying).toEqual([]);
    expect(snap.running).toEqual([]);
    expect(h.launcher.requests).toHaveLength(1);
    // released: when it comes back it is dispatched by a normal tick
    h.tracker.update("id-F-1", { state: "Todo" });
    await h.advance(30_000);
    expect(h.launcher.live()).toEqual(["id-F-1"]);
  });

  it("a retry that finds the issue terminal cleans its workspace and releases the claim", async () => {
    h = await harness([makeIssue({ identifier: "F-2" })]);
    const ws = join(h.dir, "workspaces", "F-2");
    await mkdir(ws, { recursive: true });
    await h.orchestrator.start();
    await h.settle();
    h.launcher.finish("id-F-2", {
      outcome: "failed",
      error: { code: "turn_failed", message: "x", retryable: true },
    });
    await h.settle();
    h.tracker.update("id-F-2", { state: "Done" });
    await h.advance(10_000);
    await h.orchestrator.stop();
    expect(existsSync(ws)).toBe(false);
    expect(h.orchestrator.snapshot().retrying).toEqual([]);
  });

  it("a failed retry refresh reschedules with the next attempt", async () => {
    h = await harness([makeIssue({ identifier: "F-3" })]);
    await h.orchestrator.start();
    await h.settle();
    h.launcher.finish("id-F-3", {
      outcome: "failed",
      error: { code: "turn_failed", message: "x", retryable: true },
    });
    await h.settle();
    h.tracker.failNext("tracker_request", "network down");
    await h.advance(10_000);
    expect(h.orchestrator.snapshot().retrying[0]).toMatchObject({
      attempt: 2,
      error: "tracker_request: network down",
      errorDetail: { code: "tracker_request", message: "network down", retryable: true },
    });
  });
});
