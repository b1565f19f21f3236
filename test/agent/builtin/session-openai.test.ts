import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ToolBinding } from "../../../src/tracker/adapter.js";
import { ofType } from "../../support/agent-events.js";
import {
  type BuiltinHarness,
  builtinConfig,
  runTurn,
  startBuiltinSession,
} from "../../support/builtin-harness.js";
import { startFakeOpenAIChatServer } from "../../support/fake-openai-chat-server.js";
import type { FakeModelServer } from "../../support/fake-streaming-model-server.js";
import { until } from "../../support/until.js";

let server: FakeModelServer | null = null;
let harness: BuiltinHarness | null = null;

afterEach(async () => {
  await harness?.cleanup();
  await server?.close();
  harness = null;
  server = null;
});

/** The tool-result messages the model was sent in a request. */
// biome-ignore lint/suspicious/noExplicitAny: request bodies are provider JSON
function toolMessages(body: any): string[] {
  // biome-ignore lint/suspicious/noExplicitAny: provider JSON
  return body.messages.filter((m: any) => m.role === "tool").map((m: any) => String(m.content));
}

describe("builtin agent on the OpenAI Chat Completions wire format", () => {
  it("a plain answer completes the turn with the answer as its message and absolute token totals", async () => {
    server = await startFakeOpenAIChatServer([
      { kind: "text", text: "All done here.", usage: { input: 120, output: 30 } },
    ]);
    harness = await startBuiltinSession({
      config: builtinConfig({ baseUrl: server.url, systemPrompt: "Always run npm test before finishing." }),
    });
    expect(await runTurn(harness, "Say hi")).toBeNull();
    expect(ofType(harness.events, "session_started")[0]?.turnId).toBe("turn-1");
    expect(ofType(harness.events, "turn_completed")).toEqual([
      expect.objectContaining({ turn: 1, message: "All done here." }),
    ]);
    expect(ofType(harness.events, "token_usage").at(-1)?.totals).toEqual({
      inputTokens: 120,
      outputTokens: 30,
      totalTokens: 150,
    });
    const request = server.requests[0];
    expect(request?.headers.authorization).toBe("Bearer sk-test-model-key");
    expect(request?.body.stream).toBe(true);
    expect(request?.body.messages[0].role).toBe("system");
    // the built-in prompt names the workspace and issue; the operator's system_prompt is appended
    expect(request?.body.messages[0].content).toContain(`Workspace: ${harness.workspace}`);
    expect(request?.body.messages[0].content).toContain("Issue: SYM-1: Fix the greeting");
    expect(request?.body.messages[0].content).toMatch(/\n\nAlways run npm test before finishing\.$/);
    expect(request?.body.messages.at(-1)).toEqual({ role: "user", content: "Say hi" });
  });

  it("runs a tool-call sequence that edits a file and runs a command, then answers", async () => {
    server = await startFakeOpenAIChatServer([
      { kind: "tool_calls", calls: [{ name: "read_file", args: { path: "greet.txt" } }] },
      {
        kind: "tool_calls",
        calls: [{ name: "edit_file", args: { path: "greet.txt", old_string: "helo", new_string: "hello" } }],
      },
      {
        kind: "tool_calls",
        calls: [{ name: "run_command", args: { command: "cat greet.txt; echo HOME=$HOME" } }],
      },
      { kind: "text", text: "Fixed the typo." },
    ]);
    harness = await startBuiltinSession({ config: builtinConfig({ baseUrl: server.url }) });
    await writeFile(join(harness.workspace, "greet.txt"), "helo world\n");
    expect(await runTurn(harness, "Fix the typo in greet.txt")).toBeNull();
    expect(await readFile(join(harness.workspace, "greet.txt"), "utf8")).toBe("hello world\n");
    expect(server.requests).toHaveLength(4);
    expect(toolMessages(server.requests[1]?.body)[0]).toContain("helo world");
    const commandOutput = toolMessages(server.requests[3]?.body).at(-1) ?? "";
    expect(commandOutput).toContain("exit code 0");
    expect(commandOutput).toContain("hello world");
    expect(commandOutput).toContain(`HOME=${harness.home}`);
    const calls = ofType(harness.events, "tool_call");
    expect(calls.map((c) => [c.tool, c.ok])).toEqual([
      ["read_file", true],
      ["edit_file", true],
      ["run_command", true],
    ]);
    expect(calls[1]?.summary).toBe("edit_file greet.txt (1 replacement)");
    // four model calls at 100 in / 20 out each, reported as absolute session totals
    expect(ofType(harness.events, "token_usage").map((e) => e.totals.totalTokens)).toEqual([
      120, 240, 360, 480,
    ]);
  });

  it("refuses a tool call that escapes the workspace and keeps the session going", async () => {
    server = await startFakeOpenAIChatServer([
      { kind: "tool_calls", calls: [{ name: "write_file", args: { path: "../escaped.txt", content: "x" } }] },
      { kind: "text", text: "Could not write there." },
    ]);
    harness = await startBuiltinSession({ config: builtinConfig({ baseUrl: server.url }) });
    expect(await runTurn(harness, "Write outside")).toBeNull();
    await expect(readFile(join(harness.workspace, "..", "escaped.txt"))).rejects.toThrow();
    expect(toolMessages(server.requests[1]?.body)[0]).toContain("outside the workspace");
    expect(ofType(harness.events, "tool_call")[0]).toMatchObject({ tool: "write_file", ok: false });
  });

  it("a malformed tool call goes back to the model as a tool error; the turn still completes", async () => {
    server = await startFakeOpenAIChatServer([
      { kind: "tool_calls", calls: [{ name: "read_file", args: '{"path": "a.txt", ' }] },
      { kind: "tool_calls", calls: [{ name: "no_such_tool", args: {} }] },
      { kind: "text", text: "Gave up on tools." },
    ]);
    harness = await startBuiltinSession({ config: builtinConfig({ baseUrl: server.url }) });
    expect(await runTurn(harness, "Do it")).toBeNull();
    expect(server.requests).toHaveLength(3);
    expect(toolMessages(server.requests[1]?.body)[0]).toMatch(/invalid|parse|json/i);
    expect(toolMessages(server.requests[2]?.body).at(-1)).toMatch(/no_such_tool/);
    const calls = ofType(harness.events, "tool_call");
    expect(calls.map((c) => [c.tool, c.ok])).toEqual([
      ["read_file", false],
      ["no_such_tool", false],
    ]);
    expect(calls[0]?.summary).toMatch(/malformed call/);
  });

  it("keeps the conversation across continuation turns of the same session", async () => {
    server = await startFakeOpenAIChatServer([
      { kind: "text", text: "First answer." },
      { kind: "text", text: "Second answer." },
    ]);
    harness = await startBuiltinSession({ config: builtinConfig({ baseUrl: server.url }) });
    expect(await runTurn(harness, "First prompt", 1)).toBeNull();
    expect(await runTurn(harness, "Continue", 2)).toBeNull();
    // biome-ignore lint/suspicious/noExplicitAny: provider JSON
    const second = server.requests[1]?.body.messages.map((m: any) => [m.role, m.content]);
    expect(second.slice(1)).toEqual([
      ["user", "First prompt"],
      ["assistant", "First answer."],
      ["user", "Continue"],
    ]);
    expect(ofType(harness.events, "session_started").map((e) => e.sessionId.endsWith("-turn-2"))).toEqual([
      false,
      true,
    ]);
    expect(ofType(harness.events, "token_usage").at(-1)?.totals.totalTokens).toBe(240);
  });

  it("429 with retry-after maps to model_rate_limited with retryAfterMs and reports the rate-limit headers", async () => {
    server = await startFakeOpenAIChatServer([
      {
        kind: "error",
        status: 429,
        message: "Rate limit reached",
        headers: { "retry-after": "7", "x-ratelimit-remaining-requests": "0" },
      },
    ]);
    harness = await startBuiltinSession({ config: builtinConfig({ baseUrl: server.url }) });
    const error = await runTurn(harness, "Hi");
    expect(error).toMatchObject({ category: "model_rate_limited", retryAfterMs: 7_000 });
    expect(server.requests).toHaveLength(1);
    expect(ofType(harness.events, "turn_failed")[0]).toMatchObject({ turn: 1, reason: "model_rate_limited" });
  });

  it("rate-limit headers on successful responses become rate_limits events", async () => {
    server = await startFakeOpenAIChatServer([{ kind: "text", text: "ok" }], {
      responseHeaders: { "x-ratelimit-remaining-tokens": "9000", "x-ratelimit-limit-tokens": "10000" },
    });
    harness = await startBuiltinSession({ config: builtinConfig({ baseUrl: server.url }) });
    expect(await runTurn(harness, "Hi")).toBeNull();
    expect(ofType(harness.events, "rate_limits")[0]?.rateLimits).toEqual({
      source: "openai-compatible",
      headers: { "x-ratelimit-remaining-tokens": "9000", "x-ratelimit-limit-tokens": "10000" },
    });
  });

  it.each([
    [500, "model_server_error"],
    [401, "model_auth"],
  ] as const)("HTTP %i maps to %s", async (status, category) => {
    server = await startFakeOpenAIChatServer([{ kind: "error", status, message: "boom" }]);
    harness = await startBuiltinSession({ config: builtinConfig({ baseUrl: server.url }) });
    expect(await runTurn(harness, "Hi")).toMatchObject({ category });
  });

  it("a context_length_exceeded 400 maps to context_overflow", async () => {
    server = await startFakeOpenAIChatServer([
      {
        kind: "error",
        status: 400,
        message: "This model's maximum context length is 8192 tokens",
        code: "context_length_exceeded",
      },
    ]);
    harness = await startBuiltinSession({ config: builtinConfig({ baseUrl: server.url }) });
    expect(await runTurn(harness, "Hi")).toMatchObject({ category: "context_overflow" });
  });

  it("a stream cut mid-way fails the turn as model_server_error", async () => {
    server = await startFakeOpenAIChatServer([{ kind: "cut", text: "partial ans" }]);
    harness = await startBuiltinSession({ config: builtinConfig({ baseUrl: server.url }) });
    const error = await runTurn(harness, "Hi");
    expect(error?.category).toBe("model_server_error");
    expect(error?.message).toMatch(/stream failed/);
    expect(ofType(harness.events, "turn_completed")).toEqual([]);
    expect(ofType(harness.events, "turn_failed")[0]?.reason).toBe("model_server_error");
  });

  it("aborting the session signal stops a very slow stream promptly and closes the HTTP response", async () => {
    server = await startFakeOpenAIChatServer([{ kind: "slow", text: "x".repeat(1_000), chunkDelayMs: 50 }]);
    harness = await startBuiltinSession({ config: builtinConfig({ baseUrl: server.url }) });
    const h = harness;
    const turn = runTurn(h, "Hi");
    await until(() => server?.requests.length === 1, 5_000, "request");
    const started = Date.now();
    h.controller.abort();
    expect(await turn).toMatchObject({ category: "turn_cancelled" });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(ofType(h.events, "turn_cancelled")).toHaveLength(1);
    await until(() => server?.abortedResponses() === 1, 2_000, "server to see the disconnect");
  });

  it("calls the tracker's tools with the issue and returns their result to the model", async () => {
    const calls: unknown[] = [];
    const tracker: ToolBinding = {
      specs: [
        {
          name: "update_issue",
          description: "Move the issue",
          inputSchema: { type: "object", properties: { state: { type: "string" } }, required: ["state"] },
        },
      ],
      execute: async (name, args, context) => {
        calls.push([name, args, context.issue.identifier]);
        return { success: true, output: { moved: true } };
      },
    };
    server = await startFakeOpenAIChatServer([
      { kind: "tool_calls", calls: [{ name: "update_issue", args: { state: "Human Review" } }] },
      { kind: "text", text: "Moved." },
    ]);
    harness = await startBuiltinSession({ config: builtinConfig({ baseUrl: server.url }), tools: tracker });
    expect(await runTurn(harness, "Move it")).toBeNull();
    expect(calls).toEqual([["update_issue", { state: "Human Review" }, "SYM-1"]]);
    expect(toolMessages(server.requests[1]?.body)[0]).toBe('{"moved":true}');
    // biome-ignore lint/suspicious/noExplicitAny: provider JSON
    expect(server.requests[0]?.body.tools.map((t: any) => t.function.name)).toContain("update_issue");
  });

  it("builtin.tools limits the advertised tools; a call to a filtered-out tool is refused as a result", async () => {
    server = await startFakeOpenAIChatServer([
      { kind: "tool_calls", calls: [{ name: "run_command", args: { command: "touch marker" } }] },
      { kind: "text", text: "ok" },
    ]);
    harness = await startBuiltinSession({
      config: builtinConfig({ baseUrl: server.url, tools: ["read_file", "grep"] }),
    });
    expect(await runTurn(harness, "Go")).toBeNull();
    // biome-ignore lint/suspicious/noExplicitAny: provider JSON
    expect(server.requests[0]?.body.tools.map((t: any) => t.function.name)).toEqual(["read_file", "grep"]);
    await expect(readFile(join(harness.workspace, "marker"))).rejects.toThrow();
    expect(ofType(harness.events, "tool_call")[0]).toMatchObject({ tool: "run_command", ok: false });
  });

  it("max_steps ends the turn after that many model calls; the turn still completes", async () => {
    server = await startFakeOpenAIChatServer(() => ({
      kind: "tool_calls",
      calls: [{ name: "list_dir", args: {} }],
    }));
    harness = await startBuiltinSession({ config: builtinConfig({ baseUrl: server.url, maxSteps: 3 }) });
    expect(await runTurn(harness, "Loop")).toBeNull();
    expect(server.requests).toHaveLength(3);
    expect(ofType(harness.events, "turn_completed")[0]?.message).toBe("stopped after max_steps (3) steps");
  });

  it("trims the history to the context window: old tool outputs are elided in later requests", async () => {
    const big = "q".repeat(10_000);
    server = await startFakeOpenAIChatServer([
      { kind: "tool_calls", calls: [{ name: "read_file", args: { path: "big.txt" } }] },
      { kind: "tool_calls", calls: [{ name: "read_file", args: { path: "big.txt" } }] },
      { kind: "tool_calls", calls: [{ name: "read_file", args: { path: "big.txt" } }] },
      { kind: "text", text: "done" },
    ]);
    harness = await startBuiltinSession({
      config: builtinConfig({ baseUrl: server.url, contextWindowTokens: 8_000, maxOutputTokens: 1_000 }),
    });
    await writeFile(join(harness.workspace, "big.txt"), big);
    expect(await runTurn(harness, "Read it")).toBeNull();
    const last = toolMessages(server.requests[3]?.body);
    expect(last).toHaveLength(3);
    expect(last[0]).toContain("tool output elided to fit the context window");
    expect(last[2]).toContain(big);
  });
});
