import { describe, expect, it } from "vitest";
import { SseHub } from "../../../src/observability/http/sse-hub.js";
import { StateCache } from "../../../src/observability/http/state-cache.js";
import { FakeStatusSource } from "../../support/fake-status-source.js";
import { ManualClock } from "../../support/manual-clock.js";
import { buildSnapshot, FIXTURE_NOW, runningRow } from "../../support/snapshot-fixtures.js";

function setup(options: { maxQueuedBytes?: number; maxEventsPerFlush?: number } = {}) {
  const clock = new ManualClock(FIXTURE_NOW);
  const source = new FakeStatusSource(buildSnapshot());
  const state = new StateCache(source, { clock });
  const hub = new SseHub({ source, state, clock, flushMs: 100, heartbeatMs: 15_000, ...options });
  return { clock, source, state, hub };
}

async function readAll(response: Response): Promise<string> {
  return await response.text();
}

describe("SSE hub", () => {
  it("a client that stops reading is dropped once it is too far behind; the others are unaffected", async () => {
    const { clock, source, hub, state } = setup({ maxQueuedBytes: 4_000 });
    const stalled = hub.connect(); // never read
    expect(hub.clientCount).toBe(1);
    for (let i = 0; i < 20 && hub.clientCount > 0; i++) {
      source.set(buildSnapshot({ running: [runningRow({ identifier: `S-${i}` })] }));
      clock.advance(100);
    }
    expect(hub.clientCount).toBe(0);
    await expect(readAll(stalled)).rejects.toThrow("slow consumer");
    hub.close();
    state.close();
    expect(source.listenerCount).toBe(0);
  });

  it("agent event bursts are capped per flush; the newest are kept", async () => {
    const { clock, source, hub, state } = setup({ maxEventsPerFlush: 3 });
    const response = hub.connect();
    for (let i = 0; i < 10; i++) {
      source.emit({
        type: "agent_event",
        issueId: "i",
        identifier: "A-1",
        event: { type: "output", at: FIXTURE_NOW, stream: "stdout", line: `line ${i}` },
      });
    }
    clock.advance(100);
    hub.close();
    const text = await readAll(response);
    const lines = [...text.matchAll(/stdout: (line \d+)/g)].map((m) => m[1]);
    expect(lines).toEqual(["line 7", "line 8", "line 9"]);
    state.close();
  });

  it("sends a heartbeat comment to idle clients and stops its timers on close", async () => {
    const { clock, hub, state } = setup();
    const response = hub.connect();
    clock.advance(15_000);
    clock.advance(15_000);
    hub.close();
    expect(clock.pendingTimers).toBe(0);
    const text = await readAll(response);
    expect(text.match(/: ping\n\n/g)).toHaveLength(2);
    expect(text.startsWith("retry: 1000\n\nevent: state\ndata: {")).toBe(true);
    state.close();
  });
});
