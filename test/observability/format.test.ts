import { describe, expect, it } from "vitest";
import type { AgentEvent } from "../../src/domain/agent-event.js";
import {
  describeSkip,
  flattenRecord,
  formatCount,
  formatDuration,
  isoSeconds,
  oneLine,
  summariseAgentEvent,
  truncate,
} from "../../src/observability/format.js";

const at = Date.UTC(2026, 0, 1);

describe("humanised agent event summaries (spec 13.6, 17.6)", () => {
  // one row per AgentEvent type: the summary is one printable line that names what happened
  const cases: [AgentEvent, string][] = [
    [
      { type: "session_started", at, sessionId: "th-1-tu-1", threadId: "th-1", turnId: "tu-1", pid: "9" },
      "session started (th-1-tu-1)",
    ],
    [{ type: "startup_failed", at, message: "codex: not found" }, "startup failed: codex: not found"],
    [{ type: "turn_completed", at, turn: 2, message: "" }, "turn 2 completed"],
    [{ type: "turn_completed", at, turn: 3, message: "all tests pass" }, "turn 3 completed: all tests pass"],
    [
      { type: "turn_failed", at, turn: 1, reason: "turn_timeout", message: "no output" },
      "turn 1 failed (turn_timeout): no output",
    ],
    [{ type: "turn_cancelled", at, turn: 4, message: "reconcile" }, "turn 4 cancelled: reconcile"],
    [
      { type: "token_usage", at, totals: { inputTokens: 1200, outputTokens: 34, totalTokens: 1234 } },
      "tokens in 1,200 out 34 total 1,234",
    ],
    [
      { type: "rate_limits", at, rateLimits: { primary: { used_percent: 5 } } },
      "rate limits primary.used_percent=5",
    ],
    [
      { type: "approval_auto_approved", at, kind: "exec", summary: "npm test" },
      "exec (auto-approved): npm test",
    ],
    [
      { type: "input_required", at, kind: "user_input", question: "Which DB?" },
      "waiting for user input: Which DB?",
    ],
    [
      { type: "tool_call", at, tool: "linear_graphql", ok: false, summary: "401" },
      "tool linear_graphql failed: 401",
    ],
    [{ type: "notification", at, method: "item/started", summary: "" }, "item/started"],
    [{ type: "output", at, stream: "stderr", line: "\u001b[31mwarn\u001b[0m\r\n" }, "stderr: warn"],
    [{ type: "malformed", at, line: "{oops", reason: "json" }, "malformed line (json): {oops"],
  ];
  it.each(cases)("summarises %o", (event, expected) => {
    expect(summariseAgentEvent(event)).toBe(expected);
  });
});

describe("formatting helpers", () => {
  it("oneLine strips ANSI/OSC sequences and control bytes and collapses whitespace", () => {
    expect(oneLine("a\u001b[2Jb\u001b]0;t\u0007c\n\td\u0000e  f")).toBe("abc d e f");
  });
  it("truncate marks a cut with an ellipsis and never exceeds the limit", () => {
    expect(truncate("abcdef", 4)).toBe("abc…");
    expect(truncate("abc", 4)).toBe("abc");
    expect(truncate("abc", 0)).toBe("");
  });
  it("durations, counts and timestamps", () => {
    expect(formatDuration(45_000)).toBe("45s");
    expect(formatDuration(185_000)).toBe("3m 05s");
    expect(formatDuration(7_440_000)).toBe("2h 04m");
    expect(formatDuration(273_600_000)).toBe("3d 4h");
    expect(formatDuration(-5)).toBe("0s");
    expect(formatCount(1234567)).toBe("1,234,567");
    expect(isoSeconds(Date.UTC(2026, 1, 24, 20, 15, 30, 999))).toBe("2026-02-24T20:15:30Z");
    expect(isoSeconds(null)).toBeNull();
  });
  it("flattenRecord keeps scalars up to three levels deep", () => {
    expect(flattenRecord({ a: 1, b: { c: "x", d: { e: true, f: { g: 1 } } }, h: [1] })).toEqual([
      "a=1",
      "b.c=x",
      "b.d.e=true",
    ]);
  });
  it("describeSkip says why a candidate was not dispatched, for every reason", () => {
    const now = Date.UTC(2026, 0, 1);
    expect(describeSkip({ kind: "blocked_by", blockers: ["A-1", "A-2"] }, now)).toBe("blocked by A-1, A-2");
    expect(describeSkip({ kind: "in_backoff", dueAt: now + 65_000 }, now)).toBe("in backoff, due in 1m 05s");
    expect(describeSkip({ kind: "state_cap", state: "Todo", limit: 2 }, now)).toBe(
      "state cap for Todo reached (max 2)",
    );
    expect(describeSkip({ kind: "no_global_slot", limit: 5 }, now)).toBe("no free slot (max 5)");
    expect(describeSkip({ kind: "missing_labels", labels: ["agent"] }, now)).toBe("missing labels agent");
    expect(describeSkip({ kind: "state_not_active", state: "Backlog" }, now)).toBe(
      "state Backlog is not active",
    );
    for (const kind of [
      "not_dispatchable",
      "running",
      "claimed",
      "blocked_on_input",
      "no_host_capacity",
    ] as const) {
      expect(describeSkip({ kind }, now).length).toBeGreaterThan(5);
    }
  });
});
