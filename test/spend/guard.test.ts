import { describe, expect, it } from "vitest";
import { SpendGuard } from "../../src/spend/guard.js";
import { MemoryLedger } from "../../src/spend/ledger.js";
import { DEFAULT_SPEND_SETTINGS, type SpendSettings } from "../../src/spend/settings.js";
import { makeIssue } from "../support/orchestrator/fixtures.js";

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 5, 15, 12);

function guard(settings: Partial<SpendSettings> = {}) {
  return new SpendGuard(new MemoryLedger(), () => ({ ...DEFAULT_SPEND_SETTINGS, ...settings }));
}

describe("SpendGuard", () => {
  it("no-progress: a park is not released by Symphony's own comment (updatedAt moves) but is by a description edit", () => {
    const g = guard({ noProgressAttempts: 2 });
    let issue = makeIssue({ identifier: "G-1", updatedAt: 1 });
    for (let i = 0; i < 2; i += 1) {
      expect(g.beforeDispatch(issue, T0)).toBeNull();
      g.onExit(issue, 1_000, false, T0);
    }
    const trip = g.beforeDispatch(issue, T0);
    expect(trip).toMatchObject({ reason: "no_progress", used: 2, max: 2 });
    if (trip === null) return;
    issue = { ...issue, updatedAt: 2 }; // the parked comment
    expect(g.mayRelease(issue, trip, T0)).toBe(false);
    issue = { ...issue, description: "clarified by a person" };
    expect(g.mayRelease(issue, trip, T0)).toBe(true);
    expect(g.beforeDispatch(issue, T0)).toBeNull();
  });

  it("an unknown workspace change (probe failed) never counts as no progress", () => {
    const g = guard({ noProgressAttempts: 1 });
    const issue = makeIssue({ identifier: "G-2" });
    for (let i = 0; i < 3; i += 1) {
      expect(g.beforeDispatch(issue, T0)).toBeNull();
      g.onExit(issue, 1_000, null, T0);
    }
  });

  it("budgets count only matching issues, by label and state, per UTC day and month", () => {
    const g = guard({
      issue: { ...DEFAULT_SPEND_SETTINGS.issue, tokens: "unlimited" },
      budgets: [
        { period: "day", label: "costly", state: null, tokens: 1_000, costUsd: "unlimited" },
        { period: "month", label: null, state: "in progress", tokens: 5_000, costUsd: "unlimited" },
      ],
    });
    const labelled = makeIssue({ identifier: "B-1", labels: ["costly"], state: "Todo" });
    const other = makeIssue({ identifier: "B-2", state: "In Progress" });
    const usage = { input: 600, cachedInput: 0, output: 600 };
    expect(g.onUsage(labelled, usage, null, T0).trip).toMatchObject({
      limit: "tokens",
      scope: "day",
      label: "costly",
    });
    expect(g.onUsage(other, usage, null, T0).trip).toBeNull();
    // the day budget starts over the next UTC day; the labelled issue may go again
    expect(g.check(labelled, T0 + DAY)).toBeNull();
    for (let i = 0; i < 4; i += 1) g.onUsage(other, usage, null, T0 + i * DAY);
    expect(g.check(other, T0 + 4 * DAY)).toMatchObject({
      scope: "month",
      state: "in progress",
      used: 6_000,
    });
    // next month: nothing counted yet
    expect(g.check(other, Date.UTC(2026, 6, 1))).toBeNull();
  });

  it("the wall-time cap counts the live run", () => {
    const g = guard({ issue: { ...DEFAULT_SPEND_SETTINGS.issue, wallTimeMs: 60_000 } });
    const issue = makeIssue({ identifier: "W-1" });
    expect(g.onTurn(issue, T0, 30_000)).toBeNull();
    expect(g.onTurn(issue, T0, 61_000)).toMatchObject({ limit: "wall_time_ms", used: 61_000 });
  });
});

describe("SpendGuard.view", () => {
  it("adds up every issue's spend today and this month and shows each budget's use and reset", () => {
    const g = guard({
      budgets: [
        { period: "day", label: null, state: null, tokens: "unlimited", costUsd: 50 },
        { period: "month", label: "backend", state: null, tokens: 1_000_000, costUsd: "unlimited" },
      ],
      prices: { "m-1": { input: 1, cachedInput: 0.1, output: 10 } },
    });
    const a = makeIssue({ identifier: "V-1", labels: ["backend"] });
    const b = makeIssue({ identifier: "V-2", labels: [] });
    g.onUsage(a, { input: 1_000_000, cachedInput: 0, output: 0 }, "m-1", T0 - DAY);
    g.onUsage(a, { input: 0, cachedInput: 0, output: 100_000 }, "m-1", T0);
    g.onUsage(b, { input: 2_000_000, cachedInput: 0, output: 0 }, "m-1", T0);
    const view = g.view(T0);
    expect(view.today).toEqual({ tokens: 2_100_000, costUsd: 3 });
    expect(view.month).toEqual({ tokens: 3_100_000, costUsd: 4 });
    expect(view.budgets).toEqual([
      {
        key: "limits.budgets[0]",
        period: "day",
        label: null,
        state: null,
        spent: { tokens: 2_100_000, costUsd: 3 },
        maxTokens: null,
        maxCostUsd: 50,
        resetsAt: Date.UTC(2026, 5, 16),
      },
      {
        key: "limits.budgets[1]",
        period: "month",
        label: "backend",
        state: null,
        spent: { tokens: 1_100_000, costUsd: 2 },
        maxTokens: 1_000_000,
        maxCostUsd: null,
        resetsAt: Date.UTC(2026, 6, 1),
      },
    ]);
    // the next UTC day starts from zero
    expect(g.view(T0 + DAY).today).toEqual({ tokens: 0, costUsd: 0 });
  });
});
