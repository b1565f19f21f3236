import { describe, expect, it } from "vitest";
import { decideServerRequest } from "../../../src/agent/codex/server-requests.js";

const mcpApproval = {
  questions: [
    {
      id: "mcp_tool_call_approval_1",
      question: "Allow the db tool?",
      options: [{ label: "Approve Once" }, { label: "Approve this Session" }, { label: "Deny" }],
    },
  ],
};

describe("decideServerRequest (spec 10.5 posture)", () => {
  it.each([
    ["item/commandExecution/requestApproval", { command: "ls" }, { decision: "acceptForSession" }, "command"],
    ["item/fileChange/requestApproval", { reason: "edit" }, { decision: "acceptForSession" }, "file_change"],
    ["execCommandApproval", { command: ["ls"] }, { decision: "approved_for_session" }, "execCommandApproval"],
    ["applyPatchApproval", {}, { decision: "approved_for_session" }, "applyPatchApproval"],
  ])("under never, %s is approved for the session", (method, params, result, kind) => {
    expect(decideServerRequest(method, params, true)).toMatchObject({ type: "approve", result, kind });
  });

  it.each([
    [
      "item/commandExecution/requestApproval",
      { command: "rm -rf x", reason: "cleanup" },
      { decision: "cancel" },
      "approve command: rm -rf x (cleanup)",
    ],
    [
      "item/fileChange/requestApproval",
      { reason: "write /etc" },
      { decision: "cancel" },
      "approve file change: write /etc",
    ],
    ["execCommandApproval", { command: ["make"] }, { decision: "abort" }, "approve: make"],
  ])("otherwise %s is refused and blocks the attempt as an approval", (method, params, result, question) => {
    expect(decideServerRequest(method, params, false)).toEqual({
      type: "block",
      result,
      kind: "approval",
      question,
    });
  });

  it("extra sandbox permissions are never granted, even under never", () => {
    expect(
      decideServerRequest("item/permissions/requestApproval", { reason: "network" }, true),
    ).toMatchObject({
      type: "block",
      result: { permissions: {} },
      kind: "approval",
    });
  });

  it("under never, MCP tool-approval prompts are answered with the session approval", () => {
    expect(decideServerRequest("item/tool/requestUserInput", mcpApproval, true)).toMatchObject({
      type: "approve",
      result: { answers: { mcp_tool_call_approval_1: { answers: ["Approve this Session"] } } },
    });
  });

  it("MCP tool-approval prompts block when the policy is not never", () => {
    expect(decideServerRequest("item/tool/requestUserInput", mcpApproval, false)).toMatchObject({
      type: "block",
      kind: "user_input",
    });
  });

  it("free-form and option questions block even under never, with the question recorded", () => {
    const decision = decideServerRequest(
      "item/tool/requestUserInput",
      {
        questions: [
          { id: "db", question: "Which database?", options: [{ label: "Allow" }, { label: "Deny" }] },
        ],
      },
      true,
    );
    expect(decision).toEqual({
      type: "block",
      result: { answers: {} },
      kind: "user_input",
      question: "Which database? [Allow / Deny]",
    });
  });

  it("MCP elicitations always block", () => {
    expect(
      decideServerRequest("mcpServer/elicitation/request", { serverName: "db", message: "Pick" }, true),
    ).toEqual({
      type: "block",
      result: { action: "cancel" },
      kind: "elicitation",
      question: "db: Pick",
    });
  });

  it("dynamic tool calls carry the trimmed tool name and arguments; a blank name is null", () => {
    expect(
      decideServerRequest("item/tool/call", { tool: " linear_graphql ", arguments: { q: 1 } }, false),
    ).toEqual({
      type: "tool",
      tool: "linear_graphql",
      arguments: { q: 1 },
    });
    expect(decideServerRequest("item/tool/call", { tool: "  " }, false)).toEqual({
      type: "tool",
      tool: null,
      arguments: {},
    });
  });

  it("unknown request methods get a JSON-RPC method-not-found error", () => {
    expect(decideServerRequest("attestation/generate", {}, true)).toMatchObject({
      type: "error",
      code: -32601,
    });
  });
});
