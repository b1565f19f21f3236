import { afterEach, describe, expect, it } from "vitest";
import { CircuitBreakers } from "../../src/spend/breaker.js";
import { makeIssue } from "../support/orchestrator/fixtures.js";
import { type Harness, harness } from "../support/orchestrator/harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const authFailure = {
  outcome: "failed",
  error: { code: "model_auth", message: "401 Unauthorized", retryable: false },
} as const;

describe("circuit breakers", () => {
  it("three 401s in a row across issues open the agent circuit: dispatch pauses, then one probe half-opens it and a success closes it", async () => {
    const issues = ["C-1", "C-2", "C-3", "C-4"].map((identifier) => makeIssue({ identifier }));
    const breakers = new CircuitBreakers(() => ({ failures: 3, cooldownMs: 60_000 }));
    h = await harness(issues, { agent: { maxConcurrentAgents: 3 } }, { breakers });
    await h.orchestrator.start();
    await h.settle();
    expect(h.launcher.live()).toEqual(["id-C-1", "id-C-2", "id-C-3"]);
    for (const id of ["id-C-1", "id-C-2", "id-C-3"]) h.launcher.finish(id, authFailure);
    await h.settle();
    expect(h.orchestrator.snapshot().circuits).toEqual([
      { scope: "agent:command", state: "open", kind: "auth", failures: 3, retryAt: h.clock.now() + 60_000 },
    ]);
    // the next tick dispatches nothing: C-4 is skipped with the reason, retries wait
    await h.advance(30_000);
    expect(h.launcher.live()).toEqual([]);
    expect(h.orchestrator.snapshot().skipped).toContainEqual(
      expect.objectContaining({
        identifier: "C-4",
        reason: expect.objectContaining({ kind: "circuit_open", scope: "agent:command" }),
      }),
    );
    // after the cool-down exactly one run goes (the probe); the circuit is half-open meanwhile
    await h.advance(31_000);
    await h.advance(30_000);
    expect(h.launcher.live()).toHaveLength(1);
    expect(h.orchestrator.snapshot().circuits[0]?.state).toBe("half_open");
    const [probe] = h.launcher.live();
    h.launcher.finish(probe ?? "", { outcome: "completed", turns: 1 });
    await h.settle();
    expect(h.orchestrator.snapshot().circuits).toEqual([]);
  });

  it("a failed probe re-opens the circuit for another cool-down", async () => {
    const breakers = new CircuitBreakers(() => ({ failures: 1, cooldownMs: 60_000 }));
    h = await harness(
      [makeIssue({ identifier: "P-1" }), makeIssue({ identifier: "P-2" })],
      { agent: { maxConcurrentAgents: 1 } },
      { breakers },
    );
    await h.orchestrator.start();
    await h.settle();
    h.launcher.finish("id-P-1", authFailure);
    await h.settle();
    expect(h.orchestrator.snapshot().circuits[0]?.state).toBe("open");
    await h.advance(61_000);
    await h.advance(30_000);
    const live = h.launcher.live();
    expect(live).toHaveLength(1);
    h.launcher.finish(live[0] ?? "", authFailure);
    await h.settle();
    const circuit = h.orchestrator.snapshot().circuits[0];
    expect(circuit?.state).toBe("open");
    expect(circuit?.retryAt).toBe(h.clock.now() + 60_000);
  });

  it("repeated tracker 401s open the tracker circuit and pause polling", async () => {
    const breakers = new CircuitBreakers(() => ({ failures: 2, cooldownMs: 120_000 }));
    h = await harness([makeIssue({ identifier: "T-1" })], {}, { breakers });
    // the first read is the startup cleanup's; the next two are the first two polls' candidate fetches
    for (let i = 0; i < 3; i += 1) h.tracker.failNext("tracker_auth", "401");
    await h.orchestrator.start();
    await h.settle();
    await h.advance(30_000);
    expect(h.orchestrator.snapshot().circuits).toEqual([
      expect.objectContaining({ scope: "tracker:memory", state: "open", kind: "auth", failures: 2 }),
    ]);
    const calls = h.tracker.calls;
    await h.advance(30_000);
    expect(h.tracker.calls).toBe(calls);
    expect(h.orchestrator.snapshot().workflow.lastError).toContain("tracker:memory circuit open");
    // after the cool-down the probe poll succeeds: the circuit closes and T-1 is dispatched
    await h.advance(90_000);
    await h.advance(30_000);
    expect(h.orchestrator.snapshot().circuits).toEqual([]);
    expect(h.launcher.live()).toEqual(["id-T-1"]);
  });
});
