import { describe, expect, it } from "vitest";
import { TurnTracker } from "../../../src/agent/codex/turn-tracker.js";
import { ManualClock } from "../../support/manual-clock.js";

describe("TurnTracker", () => {
  it("17.5: the turn timeout restarts on every line and fires after a silence", async () => {
    const clock = new ManualClock();
    const t = new TurnTracker(clock, 1_000);
    const ending = t.begin(1);
    clock.advance(900);
    t.touch();
    clock.advance(900);
    expect(t.active).toBe(true);
    clock.advance(100);
    const end = await ending;
    expect(end.result).toMatchObject({ ok: false, error: { category: "turn_timeout" } });
    expect(end.interruptNeeded).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it("a completion seen before the turn id is known is applied once the id arrives", async () => {
    const t = new TurnTracker(new ManualClock(), 1_000);
    const ending = t.begin(1);
    t.complete("turn-a", { status: "completed", message: "done" });
    expect(t.active).toBe(true);
    t.setTurnId("turn-a");
    expect((await ending).event).toEqual({ type: "turn_completed", turn: 1, message: "done" });
  });

  it("a completion for another turn id does not end the current turn", async () => {
    const t = new TurnTracker(new ManualClock(), 1_000);
    const ending = t.begin(2);
    t.setTurnId("turn-b");
    t.complete("turn-a", { status: "completed", message: "old" });
    expect(t.active).toBe(true);
    t.complete("turn-b", { status: "failed", category: "model_server_error", message: "500" });
    expect((await ending).result).toMatchObject({ ok: false, error: { category: "model_server_error" } });
  });

  it("a block ends the turn as approval_required or input_required and asks for an interrupt", async () => {
    const t = new TurnTracker(new ManualClock(), 1_000);
    const ending = t.begin(1);
    t.setTurnId("x");
    t.block("approval", "approve command: ls");
    const end = await ending;
    expect(end.result).toMatchObject({
      ok: false,
      error: { category: "approval_required", question: "approve command: ls" },
    });
    expect(end.interruptNeeded).toBe(true);
    expect(end.turnId).toBe("x");
  });

  it("only the first ending counts", async () => {
    const t = new TurnTracker(new ManualClock(), 1_000);
    const ending = t.begin(1);
    expect(t.cancel("stopped")).toBeNull();
    t.fail({ category: "process_exit", message: "gone" });
    expect((await ending).event).toEqual({ type: "turn_cancelled", turn: 1, message: "stopped" });
  });
});
