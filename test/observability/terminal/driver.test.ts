import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import {
  startTerminalDashboard,
  statusLine,
  terminalMode,
} from "../../../src/observability/terminal/driver.js";
import { FakeStatusSource } from "../../support/fake-status-source.js";
import { ManualClock } from "../../support/manual-clock.js";
import { buildSnapshot, busySnapshot, FIXTURE_NOW, runningRow } from "../../support/snapshot-fixtures.js";

/** A TTY-like stream that records writes. */
class FakeTty extends EventEmitter {
  readonly writes: string[] = [];
  isTTY: boolean;
  columns = 100;
  rows = 40;
  constructor(isTTY = true) {
    super();
    this.isTTY = isTTY;
  }
  write(chunk: string): boolean {
    this.writes.push(chunk);
    return true;
  }
}

function setup(isTTY = true) {
  const clock = new ManualClock(FIXTURE_NOW);
  const source = new FakeStatusSource(buildSnapshot());
  const stream = new FakeTty(isTTY);
  const dash = startTerminalDashboard({ source, stream, clock, minIntervalMs: 250, tickMs: 1000 });
  return { clock, source, stream, dash };
}

describe("terminal dashboard driver", () => {
  it("picks tty mode only for a TTY that is not TERM=dumb", () => {
    expect(terminalMode({ write: () => true, isTTY: true }, { TERM: "xterm-256color" })).toBe("tty");
    expect(terminalMode({ write: () => true, isTTY: true }, { TERM: "dumb" })).toBe("plain");
    expect(terminalMode({ write: () => true }, { TERM: "xterm" })).toBe("plain");
  });

  it("draws the first frame at once, in place, with synchronised output", () => {
    const { stream, dash } = setup();
    expect(stream.writes).toHaveLength(1);
    expect(stream.writes[0]).toContain("SYMPHONY STATUS");
    expect(stream.writes[0]).toContain("\u001b[?2026h"); // begin synchronised update: no flicker
    dash.stop();
  });

  it("coalesces a burst of changes into at most one redraw per interval", () => {
    const { clock, source, stream, dash } = setup();
    for (let i = 0; i < 50; i++) {
      source.set(buildSnapshot({ running: [runningRow({ identifier: `B-${i}` })] }));
      clock.advance(2);
    }
    // 100 ms of bursts: nothing yet beyond the first frame (the interval has not passed)
    expect(stream.writes).toHaveLength(1);
    clock.advance(150);
    expect(stream.writes).toHaveLength(2);
    expect(stream.writes[1]).toContain("B-49");
    expect(stream.writes[1]).not.toContain("B-48 ");
    dash.stop();
  });

  it("redraws once a second while idle so ages move, and skips identical frames", () => {
    const { clock, source, stream, dash } = setup();
    const polling = { intervalMs: 30_000, checking: false, lastTickAt: null, nextTickAt: null };
    const snap = () =>
      buildSnapshot({ polling, running: [runningRow({ identifier: "AGE-1", startedAt: FIXTURE_NOW })] });
    source.set(snap());
    clock.advance(250);
    const count = stream.writes.length;
    clock.advance(1000);
    expect(stream.writes.length).toBe(count + 1);
    expect(stream.writes.at(-1)).toMatch(/AGE-1\s+In Progress\s+1\s+1s/);
    // an unchanged frame is not written again
    source.set(snap());
    clock.advance(0);
    expect(stream.writes.length).toBe(count + 1);
    dash.stop();
  });

  it("resizes with the terminal", () => {
    const { clock, source, stream, dash } = setup();
    source.set(busySnapshot());
    clock.advance(300);
    stream.columns = 60;
    stream.emit("resize");
    clock.advance(300);
    const frame = stream.writes.at(-1) ?? "";
    // biome-ignore lint/suspicious/noControlCharactersInRegex: strip styling/cursor codes to measure
    const visible = frame.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "").split("\n");
    expect(visible.some((l) => l.startsWith("MT-649"))).toBe(true);
    for (const line of visible) expect(line.length).toBeLessThanOrEqual(60);
    dash.stop();
  });

  it("service log lines are printed above the frame with the next redraw, not over it", () => {
    const { clock, stream, dash } = setup();
    const before = stream.writes.length;
    dash.writeLog("ts=1 level=info msg=dispatch issue_identifier=MT-1\n");
    dash.writeLog("ts=2 level=info msg=dispatch issue_identifier=MT-2\n");
    clock.advance(250);
    const written = stream.writes.slice(before).join("");
    const logAt = written.indexOf("issue_identifier=MT-2");
    const frameAt = written.lastIndexOf("SYMPHONY STATUS");
    expect(written).toContain("issue_identifier=MT-1");
    expect(logAt).toBeGreaterThan(-1);
    expect(frameAt).toBeGreaterThan(logAt);
    dash.stop();
  });

  it("stop() prints an offline frame, unsubscribes and leaves no timer or listener behind", () => {
    const { clock, source, stream, dash } = setup();
    source.set(busySnapshot()); // leaves a pending coalesced redraw
    dash.stop();
    expect(stream.writes.at(-1)).toContain("offline");
    expect(source.listenerCount).toBe(0);
    expect(clock.pendingTimers).toBe(0);
    expect(stream.listenerCount("resize")).toBe(0);
  });

  it("plain mode (pipe / dumb terminal): one status line per change in counts, no escape codes", () => {
    const { clock, source, stream, dash } = setup(false);
    source.set(busySnapshot());
    clock.advance(300);
    source.set(busySnapshot()); // same counts: no new line
    clock.advance(300);
    expect(stream.writes).toEqual([`${statusLine(buildSnapshot())}\n`, `${statusLine(busySnapshot())}\n`]);
    expect(stream.writes.join("")).not.toContain("\u001b");
    expect(stream.writes[1]).toContain("running=2/10 retrying=2 blocked=1");
    dash.writeLog("plain log line\n");
    expect(stream.writes.at(-1)).toBe("plain log line\n");
    dash.stop();
    expect(clock.pendingTimers).toBe(0);
  });
});
