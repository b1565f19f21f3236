import { describe, expect, it } from "vitest";
import { TurnTracker } from "../../../src/agent/codex/turn-tracker.js";

describe("TurnTracker", () => {
  it("the runner's turn signal ends the turn: a timeout fails it as turn_timeout and asks for an interrupt", async () => {
    const t = new TurnTracker();
    const ending = t.begin(1);
    t.setTurnId("x");
    t.stop({ category: "turn_timeout", message: "turn still running after 1000ms" });
    const end = await ending;
    expect(end.result).toMatchObject({ ok: false, error: { category: "turn_timeout" } });
    expect(end.event).toMatchObject({ type: "turn_failed", reason: "turn_timeout" });
    expect(end.interruptNeeded).toBe(true);
    expect(end.turnId).toBe("x");
  });

  it("a cancellation through the turn signal is a turn_cancelled event", async () => {
    const t = new TurnTracker();
    const ending = t.begin(3);
    t.stop({ category: "turn_cancelled", message: "turn cancelled (reconcile)" });
    expect((await ending).event).toEqual({
      type: "turn_cancelled",
      turn: 3,
      message: "turn cancelled (reconcile)",
    });
  });

  it("a completion seen before the turn id is known is applied once the id arrives", async () => {
    const t = new TurnTracker();
    const ending = t.begin(1);
    t.complete("turn-a", { status: "completed", message: "done" });
    expect(t.active).toBe(true);
    t.setTurnId("turn-a");
    expect((await ending).event).toEqual({ type: "turn_completed", turn: 1, message: "done" });
  });

  it("a completion for another turn id does not end the current turn", async () => {
    const t = new TurnTracker();
    const ending = t.begin(2);
    t.setTurnId("turn-b");
    t.complete("turn-a", { status: "completed", message: "old" });
    expect(t.active).toBe(true);
    t.complete("turn-b", { status: "failed", category: "model_server_error", message: "500" });
    expect((await ending).result).toMatchObject({ ok: false, error: { category: "model_server_error" } });
  });

  it("a block ends the turn as approval_required or input_required and asks for an interrupt", async () => {
    const t = new TurnTracker();
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
    const t = new TurnTracker();
    const ending = t.begin(1);
    expect(t.cancel("stopped")).toBeNull();
    t.fail({ category: "process_exit", message: "gone" });
    expect((await ending).event).toEqual({ type: "turn_cancelled", turn: 1, message: "stopped" });
  });
});
