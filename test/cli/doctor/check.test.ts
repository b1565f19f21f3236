import { describe, expect, it } from "vitest";
import { runWithTimeout } from "../../../src/cli/doctor/check.js";

describe("doctor: every check has a deadline", () => {
  it("a check that never answers fails at its timeout and its signal is aborted (reaching its work)", async () => {
    let seen: AbortSignal | null = null;
    const started = Date.now();
    const results = await runWithTimeout("tracker", 50, (signal) => {
      seen = signal;
      return new Promise(() => {});
    });
    expect(results).toEqual([
      {
        name: "tracker",
        status: "fail",
        detail: "no answer within 50 ms",
        fix: "check connectivity, or raise --timeout",
      },
    ]);
    expect((seen as AbortSignal | null)?.aborted).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
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
