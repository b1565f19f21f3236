import type { ModelMessage } from "ai";
import { describe, expect, it } from "vitest";
import { estimateTokens, trimHistory } from "../../../src/agent/builtin/history.js";

function toolExchange(id: string, output: string): ModelMessage[] {
  return [
    {
      role: "assistant",
      content: [{ type: "tool-call", toolCallId: id, toolName: "read_file", input: { path: id } }],
    },
    {
      role: "tool",
      content: [
        {
          type: "tool-result",
          toolCallId: id,
          toolName: "read_file",
          output: { type: "text", value: output },
        },
      ],
    },
  ];
}

const big = "z".repeat(4_000); // ~1000 tokens

describe("history trimming", () => {
  it("leaves a conversation that fits untouched", () => {
    const messages: ModelMessage[] = [{ role: "user", content: "hi" }, ...toolExchange("1", "small")];
    const report = trimHistory(messages, 10_000);
    expect(report.messages).toEqual(messages);
    expect(report).toMatchObject({ elidedToolOutputs: 0, droppedMessages: 0 });
  });

  it("elides the oldest tool outputs first and keeps the latest exchange whole", () => {
    const messages: ModelMessage[] = [
      { role: "user", content: "issue prompt" },
      ...toolExchange("1", big),
      ...toolExchange("2", big),
      ...toolExchange("3", big),
    ];
    const report = trimHistory(messages, 2_300);
    expect(report.elidedToolOutputs).toBe(1);
    expect(report.droppedMessages).toBe(0);
    expect(JSON.stringify(report.messages[2])).toContain("tool output elided to fit the context window");
    expect(JSON.stringify(report.messages[4])).toContain(big);
    expect(JSON.stringify(report.messages[6])).toContain(big);
    expect(report.estimatedTokens).toBeLessThanOrEqual(2_300);
    // trimming again is stable: elided markers are not elided twice
    expect(trimHistory(report.messages, 2_300).elidedToolOutputs).toBe(0);
  });

  it("then drops whole old exchanges, never the first prompt or a call without its result", () => {
    const messages: ModelMessage[] = [
      { role: "user", content: "issue prompt" },
      { role: "assistant", content: big },
      { role: "user", content: "continue" },
      ...toolExchange("9", big),
    ];
    const report = trimHistory(messages, 1_200);
    expect(report.messages[0]).toEqual({ role: "user", content: "issue prompt" });
    expect(report.messages.map((m) => m.role)).toEqual(["user", "user", "assistant", "tool"]);
    expect(report.droppedMessages).toBe(1);
    // with less room the continuation prompt goes too, but the latest call/result pair stays together
    const tighter = trimHistory(messages, 1_000);
    expect(tighter.messages.map((m) => m.role)).toEqual(["user", "assistant", "tool"]);
  });

  it("estimates about four characters per token", () => {
    expect(estimateTokens("abcdefgh")).toBe(2);
  });
});
