import { describe, expect, it } from "vitest";
import { MemoryTracker } from "../../../src/tracker/memory/adapter.js";
import { makeIssue } from "../../support/orchestrator/fixtures.js";

const signal = new AbortController().signal;

describe("17.3 memory tracker", () => {
  it("17.3: empty fetch inputs return empty without a store call", async () => {
    const t = new MemoryTracker([makeIssue()]);
    expect(await t.fetchIssuesByStates([], signal)).toEqual({ ok: true, value: [] });
    expect(await t.fetchIssuesByIds([], signal)).toEqual({ ok: true, value: [] });
    expect(t.calls).toBe(0);
  });

  it("17.3: state filter is case-insensitive; ids are a set and missing ids are omitted", async () => {
    const a = makeIssue({ identifier: "M-1", state: "In Progress" });
    const b = makeIssue({ identifier: "M-2", state: "Done" });
    const t = new MemoryTracker([a, b]);
    const byState = await t.fetchIssuesByStates(["in progress"], signal);
    expect(byState.ok && byState.value.map((i) => i.identifier)).toEqual(["M-1"]);
    const byId = await t.fetchIssuesByIds([a.id, a.id, "nope"], signal);
    expect(byId.ok && byId.value).toEqual([a]);
  });

  it("17.3: a Todo issue with a non-terminal blocker is reported not dispatchable", async () => {
    const t = new MemoryTracker(
      [makeIssue({ identifier: "M-3", blockedBy: [{ id: "x", identifier: "X-1", state: "Todo" }] })],
      ["Done"],
    );
    const result = await t.fetchIssuesByStates(["Todo"], signal);
    expect(result.ok && result.value[0]?.dispatchable).toBe(false);
  });

  it("17.3: injected failures surface as typed tracker errors", async () => {
    const t = new MemoryTracker([makeIssue()]);
    t.failNext("tracker_rate_limited", "slow down");
    expect(await t.fetchIssuesByStates(["Todo"], signal)).toEqual({
      ok: false,
      error: { category: "tracker_rate_limited", message: "slow down", retryable: true },
    });
    expect((await t.fetchIssuesByStates(["Todo"], signal)).ok).toBe(true);
  });
});
