import { describe, expect, it } from "vitest";
import { runWithTimeout } from "../../../src/cli/doctor/check.js";
import { ManualClock } from "../../support/manual-clock.js";

describe("doctor: every check has a deadline", () => {
  it("a check that never answers fails at its timeout and its signal is aborted (reaching its work)", async () => {
    let seen: AbortSignal | null = null;
    const clock = new ManualClock();
    const pending = runWithTimeout(
      "tracker",
      50,
      (signal) => {
        seen = signal;
        return new Promise(() => {});
      },
      clock,
    );
    clock.advance(49);
    expect((seen as AbortSignal | null)?.aborted).toBe(false);
    clock.advance(1);
    const results = await pending;
    expect(results).toEqual([
      {
        name: "tracker",
        status: "fail",
        detail: "no answer within 50 ms",
        fix: "check connectivity, or raise --timeout",
      },
    ]);
    expect((seen as AbortSignal | null)?.aborted).toBe(true);
  });

  it("a check that throws is a fail carrying the message; a list of results passes through", async () => {
    expect(
      await runWithTimeout("hooks", 1_000, async () => {
        throw new Error("boom");
      }),
    ).toEqual([{ name: "hooks", status: "fail", detail: "check crashed: boom" }]);
    const two = await runWithTimeout("x", 1_000, async () => [
      { name: "a", status: "ok", detail: "" },
      { name: "b", status: "warn", detail: "" },
    ]);
    expect(two.map((r) => r.name)).toEqual(["a", "b"]);
  });
});
