import { describe, expect, it } from "vitest";
import { runDynamicTool } from "../../../src/agent/codex/tool-call.js";
import type { ToolContext } from "../../../src/tracker/adapter.js";
import { testIssue } from "../../support/codex-harness.js";

const spec = { name: "linear_graphql", description: "d", inputSchema: { type: "object" } };
const issue = testIssue({ nativeRef: { linearId: "lin-1" } });
const signal = new AbortController().signal;

describe("runDynamicTool (spec 17.5 provider-native tools)", () => {
  it("executes host-side with the normalised issue and native_ref as context, and returns text content", async () => {
    const contexts: ToolContext[] = [];
    const outcome = await runDynamicTool(
      "linear_graphql",
      { query: "{ viewer { id } }" },
      {
        issue,
        signal,
        tools: {
          specs: [spec],
          execute: async (_name, _args, context) => {
            contexts.push(context);
            return { success: true, output: { data: { ok: true } } };
          },
        },
      },
    );
    expect(contexts[0]?.issue.nativeRef).toEqual({ linearId: "lin-1" });
    expect(contexts[0]?.signal).toBe(signal);
    expect(outcome.response).toEqual({
      success: true,
      contentItems: [{ type: "inputText", text: '{"data":{"ok":true}}' }],
    });
    expect(outcome.event).toMatchObject({ type: "tool_call", tool: "linear_graphql", ok: true });
  });

  it("invalid arguments, missing auth and transport failures come back as structured failure payloads", async () => {
    const outcome = await runDynamicTool(
      "linear_graphql",
      {},
      {
        issue,
        signal,
        tools: {
          specs: [spec],
          execute: async () => ({ success: false, output: { error: { message: "query is required" } } }),
        },
      },
    );
    expect(outcome.response).toEqual({
      success: false,
      contentItems: [{ type: "inputText", text: '{"error":{"message":"query is required"}}' }],
    });
  });

  it("an executor that throws becomes a failure result, never a crash", async () => {
    const outcome = await runDynamicTool(
      "linear_graphql",
      {},
      {
        issue,
        signal,
        tools: {
          specs: [spec],
          execute: async () => {
            throw new Error("socket hang up");
          },
        },
      },
    );
    expect(outcome.response.success).toBe(false);
    expect(outcome.response.contentItems[0]?.text).toContain("socket hang up");
  });

  it("unsupported or blank tool names fail with the supported list and the executor is not called", async () => {
    let called = false;
    const tools = {
      specs: [spec],
      execute: async () => {
        called = true;
        return { success: true, output: null };
      },
    };
    for (const name of ["github_api", null]) {
      const outcome = await runDynamicTool(name, {}, { issue, signal, tools });
      expect(outcome.response.success).toBe(false);
      expect(JSON.parse(outcome.response.contentItems[0]?.text ?? "")).toEqual({
        error: { message: `Unsupported tool: ${JSON.stringify(name)}.`, supportedTools: ["linear_graphql"] },
      });
    }
    expect(called).toBe(false);
  });
});
