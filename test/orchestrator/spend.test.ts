import { afterEach, describe, expect, it } from "vitest";
import { SpendGuard } from "../../src/spend/guard.js";
import { MemoryLedger } from "../../src/spend/ledger.js";
import { DEFAULT_SPEND_SETTINGS, type SpendSettings } from "../../src/spend/settings.js";
import { makeIssue } from "../support/orchestrator/fixtures.js";
import { type Harness, harness } from "../support/orchestrator/harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const NOW = () => h?.clock.now() ?? 0;

/** A guard reading the harness config's `limits` (so `workflow.update` reloads them). */
function guardFor(getSettings: () => SpendSettings): SpendGuard {
  return new SpendGuard(new MemoryLedger(), getSettings);
}

async function start(limits: Partial<SpendSettings>, probe: () => string | null = () => "same") {
  const issue = makeIssue({ identifier: "S-1", state: "In Progress" });
  let hx: Harness | undefined;
  const guard = guardFor(() => hx?.config().limits ?? DEFAULT_SPEND_SETTINGS);
  hx = await harness(
    [issue],
    { limits: { ...DEFAULT_SPEND_SETTINGS, ...limits } },
    {
      spend: guard,
      probeWorkspace: async () => probe(),
    },
  );
  h = hx;
  await hx.orchestrator.start();
  await hx.settle();
  return { h: hx, issue };
}

/** One attempt that starts a session and ends normally (the issue stays active → continuation). */
async function normalAttempt(hx: Harness, id: string): Promise<void> {
  hx.launcher.emit(id, {
    type: "session_started",
    sessionId: "t-1",
    threadId: "t",
    turnId: "1",
    pid: null,
    at: NOW(),
  });
  await hx.settle();
  hx.launcher.finish(id, { outcome: "completed", turns: 1 });
  await hx.settle();
  await hx.advance(1_000); // continuation retry delay
}

describe("spend control in the orchestrator", () => {
  it("an agent that never changes anything is parked as no_progress after the default 3 attempts, and told so in the tracker", async () => {
    const { h: hx, issue } = await start({});
    for (let i = 0; i < 3; i += 1) await normalAttempt(hx, issue.id);
    expect(hx.launcher.live()).toEqual([]);
    expect(hx.launcher.requests).toHaveLength(3);
    const [row] = hx.orchestrator.snapshot().blocked;
    expect(row?.kind).toBe("no_progress");
    expect(row?.limit).toMatchObject({
      reason: "no_progress",
      used: 3,
      max: 3,
      key: "limits.no_progress_attempts",
    });
    expect(hx.tracker.comments.get(issue.id)?.[0]).toContain("limits.no_progress_attempts");
    // parked means parked: later ticks and retries never dispatch it
    await hx.advance(120_000);
    expect(hx.launcher.requests).toHaveLength(3);
  });

  it("an agent that keeps changing its workspace is not no-progress, but the attempts cap stops it", async () => {
    let n = 0;
    const { h: hx, issue } = await start({ issue: { ...DEFAULT_SPEND_SETTINGS.issue, attempts: 4 } }, () => {
      n += 1;
      return `fp-${n}`;
    });
    for (let i = 0; i < 4; i += 1) await normalAttempt(hx, issue.id);
    expect(hx.launcher.requests).toHaveLength(4);
    expect(hx.launcher.live()).toEqual([]);
    const [row] = hx.orchestrator.snapshot().blocked;
    expect(row?.limit).toMatchObject({
      reason: "budget",
      limit: "attempts",
      scope: "issue",
      used: 4,
      max: 4,
    });
  });

  it("a tokens cap interrupts the running turn on the usage event and parks the issue", async () => {
    const { h: hx, issue } = await start({ issue: { ...DEFAULT_SPEND_SETTINGS.issue, tokens: 1_000 } });
    const signal = hx.launcher.request(issue.id).signal;
    hx.launcher.emit(issue.id, {
      type: "token_usage",
      totals: { inputTokens: 400, outputTokens: 100, totalTokens: 500 },
      at: NOW(),
    });
    await hx.settle();
    expect(signal.aborted).toBe(false);
    hx.launcher.emit(issue.id, {
      type: "token_usage",
      totals: { inputTokens: 900, outputTokens: 200, totalTokens: 1_100 },
      at: NOW(),
    });
    await hx.settle();
    expect(signal.aborted).toBe(true);
    const [row] = hx.orchestrator.snapshot().blocked;
    expect(row?.kind).toBe("budget");
    expect(row?.limit).toMatchObject({
      limit: "tokens",
      used: 1_100,
      max: 1_000,
      key: "limits.issue.tokens",
    });
    expect(hx.orchestrator.snapshot().retrying).toEqual([]);
  });

  it("a day cost budget parks the issue, prices usage by model, and releases it at the UTC rollover", async () => {
    const { h: hx, issue } = await start({
      budgets: [{ period: "day", label: null, state: null, tokens: "unlimited", costUsd: 1 }],
      prices: { "test-model": { input: 1, cachedInput: 0.1, output: 10 } },
    });
    hx.launcher.emit(issue.id, {
      type: "session_started",
      sessionId: "t-1",
      threadId: "t",
      turnId: "1",
      pid: null,
      model: "test-model",
      at: NOW(),
    });
    // 200k input (100k cached) + 100k output = 0.1 + 0.01 + 1.0 = US$1.11
    hx.launcher.emit(issue.id, {
      type: "token_usage",
      totals: {
        inputTokens: 200_000,
        outputTokens: 100_000,
        totalTokens: 300_000,
        cachedInputTokens: 100_000,
      },
      at: NOW(),
    });
    await hx.settle();
    const snap = hx.orchestrator.snapshot();
    expect(snap.totals.costUsd).toBeCloseTo(1.11, 6);
    const [row] = snap.blocked;
    expect(row?.limit).toMatchObject({ limit: "cost_usd", scope: "day", key: "limits.budgets[0].cost_usd" });
    const midnight = Date.UTC(2026, 0, 2);
    expect(row?.limit?.resetsAt).toBe(midnight);
    expect(hx.tracker.comments.get(issue.id)?.[0]).toContain("2026-01-02T00:00:00.000Z");
    // still parked on the same day
    await hx.advance(60_000);
    expect(hx.launcher.live()).toEqual([]);
    // the manual clock runs a due tick at its due time, so cross midnight first, then let one tick run
    await hx.advance(midnight - hx.clock.now());
    await hx.advance(30_000);
    expect(hx.orchestrator.snapshot().blocked).toEqual([]);
    expect(hx.launcher.live()).toEqual([issue.id]);
  });

  it("a reload that raises the limit releases the parked issue on the next tick", async () => {
    const { h: hx, issue } = await start({ issue: { ...DEFAULT_SPEND_SETTINGS.issue, turns: 1 } });
    hx.launcher.emit(issue.id, { type: "turn_completed", turn: 1, message: "done", at: NOW() });
    await hx.settle();
    expect(hx.orchestrator.snapshot().blocked[0]?.limit?.limit).toBe("turns");
    await hx.advance(30_000);
    expect(hx.launcher.live()).toEqual([]);
    const raised = {
      ...hx.config(),
      limits: { ...hx.config().limits, issue: { ...hx.config().limits.issue, turns: "unlimited" as const } },
    };
    hx.workflow.update(raised);
    await hx.advance(30_000);
    expect(hx.orchestrator.snapshot().blocked).toEqual([]);
    expect(hx.launcher.live()).toEqual([issue.id]);
  });
});
