import { describe, expect, it } from "vitest";
import { claudeCommandLine } from "../../../src/agent/claude/command-line.js";
import { tokenTotals, toolSummary, turnFailure } from "../../../src/agent/claude/event-map.js";
import { decidePermission } from "../../../src/agent/claude/permission.js";
import { parseStreamLine, type TurnResult } from "../../../src/agent/claude/protocol.js";
import { defaultClaudeConfig } from "../../../src/agent/claude/settings.js";
import { reportedToolName } from "../../../src/agent/mcp/tool-names.js";

const success: TurnResult = {
  subtype: "success",
  isError: false,
  text: "done",
  totalCostUsd: 0.01,
  cumulative: null,
  apiErrorStatus: null,
  apiErrorType: null,
  permissionDenials: [],
  errors: [],
};

describe("claude stream-json mapping", () => {
  it.each([
    ["Bash", { command: "npm test", description: "run" }, "Bash: npm test"],
    ["Edit", { file_path: "src/a.ts", old_string: "a", new_string: "b" }, "Edit: src/a.ts"],
    ["Grep", { pattern: "TODO", path: "src" }, "Grep: TODO"],
    ["mcp__symphony__update_issue", { state: "Done" }, 'update_issue: {"state":"Done"}'],
    ["mcp__other__lookup", { q: 1 }, 'lookup (other): {"q":1}'],
    ["TodoWrite", { todos: [] }, 'TodoWrite: {"todos":[]}'],
  ])("summarises %s on one line", (name, input, expected) => {
    expect(toolSummary(name, input)).toBe(expected);
  });

  it("reports Symphony's own MCP tools by their tracker name, others as Claude names them", () => {
    expect(reportedToolName("mcp__symphony__linear_graphql")).toBe("linear_graphql");
    expect(reportedToolName("mcp__other__x")).toBe("mcp__other__x");
    expect(reportedToolName("Bash")).toBe("Bash");
  });

  it("counts cache reads and writes as input, reads as cached input, and carries the reported cost", () => {
    expect(tokenTotals({ input: 10, output: 5, cacheRead: 100, cacheCreation: 20 }, 0.25)).toEqual({
      inputTokens: 130,
      outputTokens: 5,
      totalTokens: 135,
      cachedInputTokens: 100,
      costUsd: 0.25,
    });
  });

  it("sums cumulative usage over every model of a result line", () => {
    const line = JSON.stringify({
      type: "result",
      subtype: "success",
      is_error: false,
      result: "ok",
      total_cost_usd: 0.5,
      modelUsage: {
        "claude-a": { inputTokens: 1, outputTokens: 2, cacheReadInputTokens: 3, cacheCreationInputTokens: 4 },
        "claude-b": {
          inputTokens: 10,
          outputTokens: 20,
          cacheReadInputTokens: 30,
          cacheCreationInputTokens: 40,
        },
      },
    });
    const parsed = parseStreamLine(line);
    expect(parsed).toMatchObject({
      type: "result",
      totalCostUsd: 0.5,
      cumulative: { input: 11, output: 22, cacheRead: 33, cacheCreation: 44 },
    });
  });

  it.each([
    [{ isError: true, apiErrorStatus: 401 }, "model_auth"],
    [{ isError: true, apiErrorStatus: 403 }, "model_auth"],
    [{ isError: true, apiErrorStatus: 429 }, "model_rate_limited"],
    [{ isError: true, apiErrorStatus: 529, apiErrorType: "overloaded_error" }, "model_server_error"],
    [{ isError: true, apiErrorStatus: 500 }, "model_server_error"],
    [{ subtype: "error_max_turns", isError: true }, "turn_failed"],
    [{ subtype: "error_during_execution", isError: true }, "turn_failed"],
  ])("a failed result %j is %s", (fields, category) => {
    expect(turnFailure({ ...success, ...fields })?.category).toBe(category);
  });

  it("a successful result ends the turn without a failure", () => {
    expect(turnFailure(success)).toBeNull();
  });

  it("lines that are not stream-json objects are reported, not thrown", () => {
    expect(parseStreamLine("not json")).toBeNull();
    expect(parseStreamLine("[1,2]")).toBeNull();
    expect(parseStreamLine('{"no":"type"}')).toBeNull();
    expect(parseStreamLine('{"type":"system","subtype":"status"}')).toEqual({
      type: "other",
      kind: "system/status",
    });
  });
});

describe("claude permission posture", () => {
  it("allows a prompted tool only under bypassPermissions", () => {
    expect(decidePermission("Bash", { command: "rm -rf build" }, "", true)).toEqual({
      type: "allow",
      summary: "Bash: rm -rf build",
    });
    expect(decidePermission("Bash", { command: "rm -rf build" }, "outside allow rules", false)).toEqual({
      type: "block",
      kind: "approval",
      question: "approve Bash: rm -rf build (outside allow rules)",
    });
  });

  it("a question to the user always blocks, with its options", () => {
    const input = { questions: [{ question: "Which DB?", options: [{ label: "pg" }, { label: "sqlite" }] }] };
    expect(decidePermission("AskUserQuestion", input, "", true)).toEqual({
      type: "block",
      kind: "user_input",
      question: "Which DB? [pg / sqlite]",
    });
  });
});

describe("claude command line", () => {
  it("appends stream-json, the permission route, settings and the tool server, every argument quoted", () => {
    const line = claudeCommandLine(
      {
        ...defaultClaudeConfig(),
        command: "/opt/claude",
        model: "claude-sonnet-4-5",
        allowedTools: ["Bash(npm test:*)"],
        disallowedTools: ["WebFetch"],
        maxTurns: 12,
        extraArgs: ["--add-dir", "/srv/shared"],
      },
      "http://127.0.0.1:9/mcp",
    );
    expect(
      line.startsWith("/opt/claude '-p' '--output-format' 'stream-json' '--input-format' 'stream-json'"),
    ).toBe(true);
    expect(line).toContain("'--permission-prompt-tool' 'stdio' '--permission-mode' 'default'");
    expect(line).toContain("'--model' 'claude-sonnet-4-5'");
    expect(line).toContain("'--allowedTools' 'Bash(npm test:*)' '--allowedTools' 'mcp__symphony'");
    expect(line).toContain("'--disallowedTools' 'WebFetch' '--max-turns' '12'");
    // the token is referenced, never written: the CLI expands it from its environment
    expect(line).toContain(`$\{SYMPHONY_MCP_TOKEN}`);
    expect(line.endsWith("'--strict-mcp-config' '--add-dir' '/srv/shared'")).toBe(true);
  });
});
