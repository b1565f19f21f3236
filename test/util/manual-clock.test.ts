import { describe, expect, it } from "vitest";
import { ManualClock } from "../support/manual-clock.js";

describe("ManualClock", () => {
  it("fires timers in due order only when time is advanced past them", () => {
    const clock = new ManualClock(0);
    const fired: string[] = [];
    clock.setTimer(200, () => fired.push("b"));
    const a = clock.setTimer(100, () => fired.push("a"));
    clock.setTimer(50, () => fired.push("first"));
    clock.clearTimer(a);
    clock.advance(60);
    expect(fired).toEqual(["first"]);
    clock.advance(1000);
    expect(fired).toEqual(["first", "b"]);
    expect(clock.now()).toBe(1060);
    expect(clock.pendingTimers).toBe(0);
  });
});
