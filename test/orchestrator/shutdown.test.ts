import { describe, expect, it } from "vitest";
import { silentLogger } from "../../src/domain/logger.js";
import { awaitShutdown } from "../../src/orchestrator/shutdown.js";
import { ManualClock } from "../support/manual-clock.js";

describe("shutdown deadline", () => {
  it("aborts cleanup after the grace and stops waiting for stuck work after twice the grace", async () => {
    const clock = new ManualClock();
    let graced = false;
    let settled = false;
    const done = awaitShutdown(() => new Promise(() => {}), {
      clock,
      logger: silentLogger,
      graceMs: 1000,
      onGrace: () => {
        graced = true;
      },
    }).then(() => {
      settled = true;
    });
    clock.advance(1000);
    await Promise.resolve();
    expect([graced, settled]).toEqual([true, false]);
    clock.advance(1000);
    await done;
    expect(settled).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it("finishes as soon as the work does and clears its timers", async () => {
    const clock = new ManualClock();
    await awaitShutdown(async () => {}, { clock, logger: silentLogger, graceMs: 1000, onGrace: () => {} });
    expect(clock.pendingTimers).toBe(0);
  });
});
