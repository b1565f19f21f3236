import { describe, expect, it } from "vitest";
import { render } from "../../../src/observability/terminal/render.js";
import {
  buildSnapshot,
  busySnapshot,
  FIXTURE_NOW,
  retryRow,
  runningRow,
  skipRow,
} from "../../support/snapshot-fixtures.js";

// biome-ignore lint/suspicious/noControlCharactersInRegex: asserting that no control bytes leak
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f]/;

describe("terminal render(snapshot, width)", () => {
  it("idle snapshot: header, totals, rate limits n/a, next poll countdown, no running agents", () => {
    const frame = render(buildSnapshot(), 100);
    expect(frame).toBe(
      [
        "SYMPHONY STATUS  live  2026-01-01T12:00:00Z",
        "Agents: 0/10   Retrying: 0   Blocked: 0   Backend: codex   Tracker: linear",
        "Tokens: in 0 | out 0 | total 0   Runtime: 0s   Runs: 0 started, 0 ok, 0 failed",
        "Rate limits: n/a",
        "Next poll: in 25s",
        "",
        "RUNNING (0)",
        "  no agents running",
      ].join("\n"),
    );
  });

  it("busy snapshot: running rows with identifier, state, turn, age, tokens and last event in one line", () => {
    const frame = render(busySnapshot(), 120);
    const lines = frame.split("\n");
    const mt649 = lines.find((l) => l.startsWith("MT-649"));
    expect(mt649).toMatch(/^MT-649\s+In Progress\s+7\s+2m 05s\s+15,456 Working on tests$/);
    const mt700 = lines.find((l) => l.startsWith("MT-700"));
    // the multi-line agent message is flattened to one line
    expect(mt700).toMatch(/1h 02m\s+2,000 tool linear_graphql ok: query issue$/);
    expect(frame).toContain(
      "Tokens: in 50,000 | out 24,000 | total 74,000   Runtime: 30m 34s   Runs: 9 started",
    );
    expect(frame).toContain(
      "Rate limits: limit_id=codex primary.used_percent=12 primary.resets_in_seconds=30",
    );
  });

  it("retry queue shows attempt, due time and last error, soonest first", () => {
    const lines = render(busySnapshot(), 120).split("\n");
    const start = lines.indexOf("RETRY QUEUE (2)");
    expect(start).toBeGreaterThan(0);
    expect(lines[start + 2]).toMatch(/^MT-651\s+1\s+in 1s continuation\s+-$/);
    expect(lines[start + 3]).toMatch(/^MT-650\s+3\s+in 30s failure\s+turn_timeout: no output for 300s$/);
  });

  it("blocked rows show the agent's question; skipped rows say why", () => {
    const frame = render(busySnapshot(), 120);
    expect(frame).toContain("BLOCKED — waiting for a person (1)");
    expect(frame).toMatch(/MT-660\s+In Progress\s+5m 00s user input: Which database should I migrate\?/);
    expect(frame).toMatch(/MT-670\s+Todo\s+blocked by MT-649/);
  });

  it("every line fits the width, at every width from 40 to 200", () => {
    const snap = busySnapshot();
    for (const width of [40, 61, 80, 100, 133, 200]) {
      for (const line of render(snap, width).split("\n")) expect(line.length).toBeLessThanOrEqual(width);
    }
  });

  it("the EVENT column widens with the terminal", () => {
    const long = "x".repeat(300);
    const snap = buildSnapshot({ running: [runningRow({ identifier: "A-1", lastMessage: long })] });
    const narrow =
      render(snap, 80)
        .split("\n")
        .find((l) => l.startsWith("A-1")) ?? "";
    const wide =
      render(snap, 160)
        .split("\n")
        .find((l) => l.startsWith("A-1")) ?? "";
    expect(narrow.length).toBe(80);
    expect(wide.length).toBe(160);
    expect(wide.endsWith("x…")).toBe(true);
  });

  it("escape sequences and control bytes in tracker/agent strings never reach the terminal", () => {
    const snap = buildSnapshot({
      running: [
        runningRow({
          identifier: "EV\u001b[2J-1",
          state: "In\rProgress",
          lastMessage: "\u001b[31mred\u001b[0m\u0007bell\u0000nul",
        }),
      ],
      retrying: [retryRow({ identifier: "R-1", error: "line1\nline2\u001b]0;title\u0007" })],
      workflow: { path: "/w", trackerKind: "memory", backend: "codex", lastError: "bad\u001b[1A" },
    });
    const frame = render(snap, 120);
    expect(frame).not.toContain("\u001b");
    expect(CONTROL.test(frame)).toBe(false);
    expect(frame).toContain("red bell nul");
    expect(frame).toContain("line1 line2");
  });

  it("colour wraps headings in ANSI only when asked, without changing the visible text", () => {
    const plain = render(busySnapshot(), 100);
    const coloured = render(busySnapshot(), 100, { color: true });
    expect(plain).not.toContain("\u001b[");
    expect(coloured).toContain("\u001b[1;36mRUNNING (2)\u001b[0m");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing the styling again
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, "")).toBe(plain);
  });

  it("shows the dashboard URL, 'checking now…', the workflow error and the offline marker", () => {
    const snap = buildSnapshot({
      polling: { intervalMs: 1000, checking: true, lastTickAt: null, nextTickAt: null },
      workflow: { path: "/w", trackerKind: "linear", backend: "builtin", lastError: "tracker_auth: 401" },
    });
    const frame = render(snap, 100, { dashboardUrl: "http://127.0.0.1:4000/", offline: true });
    expect(frame.split("\n")[0]).toBe("SYMPHONY STATUS  offline  2026-01-01T12:00:00Z");
    expect(frame).toContain("Dashboard: http://127.0.0.1:4000/");
    expect(frame).toContain("Next poll: checking now…");
    expect(frame).toContain("Error: tracker_auth: 401");
  });

  it("ages and countdowns use options.now, so a later frame shows elapsed time", () => {
    const snap = buildSnapshot({ running: [runningRow({ identifier: "T-1", startedAt: FIXTURE_NOW })] });
    const later = render(snap, 100, { now: FIXTURE_NOW + 61_000 });
    expect(later).toMatch(/T-1\s+In Progress\s+1\s+1m 01s/);
    expect(later).toContain("Next poll: due now");
  });

  it("candidates skipped only because they are running are not listed again under NOT DISPATCHED", () => {
    const snap = buildSnapshot({
      running: [runningRow({ identifier: "R-1" })],
      skipped: [skipRow({ identifier: "R-1", reason: { kind: "running" } })],
    });
    expect(render(snap, 100)).not.toContain("NOT DISPATCHED");
  });

  it("long lists are cut with '… and N more'", () => {
    const retrying = Array.from({ length: 25 }, (_, i) =>
      retryRow({ identifier: `R-${i}`, dueAt: FIXTURE_NOW + i }),
    );
    const frame = render(buildSnapshot({ retrying }), 100, { maxRowsPerSection: 5 });
    expect(frame).toContain("RETRY QUEUE (25)");
    expect(frame).toContain("  … and 20 more");
    expect(frame.split("\n").filter((l) => l.startsWith("R-"))).toHaveLength(5);
  });

  it("17.6: rendering is pure — the same inputs give the same frame and the snapshot is not mutated", () => {
    const snap = busySnapshot();
    const before = JSON.stringify(snap);
    expect(render(snap, 90)).toBe(render(snap, 90));
    expect(JSON.stringify(snap)).toBe(before);
  });
});
