import { describe, expect, it } from "vitest";
import { RetryQueue } from "../../src/orchestrator/retry-queue.js";
import type { RetryEntry } from "../../src/orchestrator/state.js";
import { ManualClock } from "../support/manual-clock.js";

const issue = { id: "i1", identifier: "I-1", url: null };

describe("retry queue (spec 8.4)", () => {
  it("scheduling again cancels the previous timer; a stale token never consumes the newer entry", () => {
    const clock = new ManualClock();
    const entries = new Map<string, RetryEntry>();
    const fired: number[] = [];
    const queue = new RetryQueue(entries, clock, (_id, token) => fired.push(token));
    const first = queue.schedule({
      issue,
      attempt: 1,
      kind: "failure",
      error: { code: "turn_failed", message: "a", retryable: true },
      workspacePath: null,
      maxBackoffMs: 300_000,
    });
    const second = queue.schedule({
      issue,
      attempt: 2,
      kind: "failure",
      error: { code: "turn_failed", message: "b", retryable: true },
      workspacePath: null,
      maxBackoffMs: 300_000,
    });
    expect(clock.pendingTimers).toBe(1);
    expect(queue.take("i1", first.token)).toBeUndefined();
    expect(entries.get("i1")).toBe(second);
    clock.advance(20_000);
    expect(fired).toEqual([second.token]);
    expect(queue.take("i1", second.token)).toBe(second);
    expect(entries.size).toBe(0);
  });

  it("continuation retries wait 1 s; failure retries back off from 10 s up to the cap", () => {
    const clock = new ManualClock();
    const queue = new RetryQueue(new Map(), clock, () => {});
    const at = clock.now();
    expect(
      queue.schedule({
        issue,
        attempt: 1,
        kind: "continuation",
        error: null,
        workspacePath: null,
        maxBackoffMs: 5,
      }).dueAt,
    ).toBe(at + 1000);
    expect(
      queue.schedule({
        issue,
        attempt: 3,
        kind: "failure",
        error: null,
        workspacePath: null,
        maxBackoffMs: 300_000,
      }).dueAt,
    ).toBe(at + 40_000);
    expect(
      queue.schedule({
        issue,
        attempt: 9,
        kind: "failure",
        error: null,
        workspacePath: null,
        maxBackoffMs: 60_000,
      }).dueAt,
    ).toBe(at + 60_000);
    queue.clear();
    expect(clock.pendingTimers).toBe(0);
  });
});
