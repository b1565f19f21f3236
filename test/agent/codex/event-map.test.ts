import { describe, expect, it } from "vitest";
import { rateLimitsOf, summarise, tokenTotals } from "../../../src/agent/codex/event-map.js";
import { oneLine } from "../../../src/util/one-line.js";

describe("event mapping", () => {
  it("17.5: token totals come from tokenUsage.total (thread-cumulative), never from last", () => {
    expect(
      tokenTotals({
        tokenUsage: {
          total: { inputTokens: 203, outputTokens: 40, totalTokens: 243 },
          last: { inputTokens: 102, outputTokens: 20, totalTokens: 122 },
        },
      }),
    ).toEqual({ inputTokens: 203, outputTokens: 40, totalTokens: 243 });
    expect(
      tokenTotals({ tokenUsage: { last: { inputTokens: 1, outputTokens: 1, totalTokens: 2 } } }),
    ).toBeNull();
    expect(tokenTotals({ tokenUsage: { total: { inputTokens: -1 } } })).toBeNull();
  });

  it("17.5: rate limits are kept whole when they carry figures; the all-null custom-provider payload is ignored", () => {
    const limits = { limitId: "codex", primary: { usedPercent: 10 }, secondary: null };
    expect(rateLimitsOf({ rateLimits: limits })).toEqual(limits);
    expect(
      rateLimitsOf({ rateLimits: { limitId: null, primary: null, secondary: null, credits: null } }),
    ).toBeNull();
  });

  it.each([
    [
      "turn/completed",
      { turn: { status: "failed", error: { message: "HTTP 500" } } },
      "turn failed: HTTP 500",
    ],
    [
      "item/completed",
      { item: { type: "commandExecution", command: "/bin/bash -lc 'ls'", status: "completed", exitCode: 0 } },
      "command /bin/bash -lc 'ls' (exit 0)",
    ],
    [
      "item/started",
      { item: { type: "dynamicToolCall", tool: "linear_graphql", status: "inProgress" } },
      "started tool linear_graphql inProgress",
    ],
    [
      "item/completed",
      { item: { type: "agentMessage", text: "Done.\n\nAll good" } },
      "agent: Done. All good",
    ],
    [
      "error",
      { error: { message: "Reconnecting... 1/5" }, willRetry: true },
      "retrying: Reconnecting... 1/5",
    ],
    [
      "thread/tokenUsage/updated",
      { tokenUsage: { total: { inputTokens: 5, outputTokens: 2, totalTokens: 7 } } },
      "tokens in=5 out=2 total=7",
    ],
    ["thread/status/changed", { status: { type: "idle" } }, "thread idle"],
    ["some/newNotification", {}, "some/newNotification"],
  ])("humanises %s to one line", (method, params, summary) => {
    expect(summarise(method, params)).toBe(summary);
  });

  it("oneLine strips ANSI and control bytes and truncates", () => {
    expect(oneLine("\u001b[31mred\u001b[0m\tand\r\nmore")).toBe("red and more");
    expect(oneLine("x".repeat(300), 10)).toBe(`${"x".repeat(9)}…`);
  });
});
