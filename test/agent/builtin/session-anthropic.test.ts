import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ofType } from "../../support/agent-events.js";
import {
  type BuiltinHarness,
  builtinConfig,
  runTurn,
  startBuiltinSession,
} from "../../support/builtin-harness.js";
import { startFakeAnthropicServer } from "../../support/fake-anthropic-server.js";
import type { FakeModelServer } from "../../support/fake-streaming-model-server.js";
import { pidAlive, until } from "../../support/until.js";

let server: FakeModelServer | null = null;
let harness: BuiltinHarness | null = null;

afterEach(async () => {
  await harness?.cleanup();
  await server?.close();
  harness = null;
  server = null;
});

function anthropic(url: string) {
  return builtinConfig({ provider: "anthropic", model: "claude-fake", baseUrl: url, apiKey: "sk-ant-test" });
}

/** Text of every tool_result block the model was sent in a request. */
// biome-ignore lint/suspicious/noExplicitAny: request bodies are provider JSON
function toolResults(body: any): string[] {
  const out: string[] = [];
  for (const message of body.messages) {
    if (!Array.isArray(message.content)) continue;
    for (const block of message.content) {
      if (block.type !== "tool_result") continue;
      out.push(
        typeof block.content === "string"
          ? block.content
          : // biome-ignore lint/suspicious/noExplicitAny: provider JSON
            block.content.map((c: any) => c.text ?? "").join(""),
      );
    }
  }
  return out;
}

describe("builtin agent on the Anthropic Messages wire format", () => {
  it("a plain answer completes the turn; the key goes in x-api-key and tokens are absolute totals", async () => {
    server = await startFakeAnthropicServer([
      { kind: "text", text: "Done.", usage: { input: 50, output: 10 } },
    ]);
    harness = await startBuiltinSession({ config: anthropic(server.url) });
    expect(await runTurn(harness, "Hi")).toBeNull();
    expect(server.requests[0]?.headers["x-api-key"]).toBe("sk-ant-test");
    expect(server.requests[0]?.body.system).toBeDefined();
    expect(ofType(harness.events, "turn_completed")[0]?.message).toBe("Done.");
    expect(ofType(harness.events, "token_usage").at(-1)?.totals).toEqual({
      inputTokens: 50,
      outputTokens: 10,
      totalTokens: 60,
    });
  });

  it("runs a tool-call sequence that edits a file and runs a command, then answers", async () => {
    server = await startFakeAnthropicServer([
      {
        kind: "tool_calls",
        text: "Let me fix it.",
        calls: [{ name: "edit_file", args: { path: "src/a.txt", old_string: "bug", new_string: "fix" } }],
      },
      { kind: "tool_calls", calls: [{ name: "run_command", args: { command: "grep -c fix src/a.txt" } }] },
      { kind: "text", text: "Fixed." },
    ]);
    harness = await startBuiltinSession({ config: anthropic(server.url) });
    await import("node:fs/promises").then((fs) => fs.mkdir(join(harness?.workspace ?? "", "src")));
    await writeFile(join(harness.workspace, "src", "a.txt"), "a bug here\n");
    expect(await runTurn(harness, "Fix it")).toBeNull();
    expect(await readFile(join(harness.workspace, "src", "a.txt"), "utf8")).toBe("a fix here\n");
    expect(toolResults(server.requests[2]?.body).at(-1)).toMatch(/exit code 0\n1/);
    expect(ofType(harness.events, "tool_call").map((c) => [c.tool, c.ok])).toEqual([
      ["edit_file", true],
      ["run_command", true],
    ]);
  });

  it("refuses a read through a symlink that points outside the workspace", async () => {
    server = await startFakeAnthropicServer([
      { kind: "tool_calls", calls: [{ name: "read_file", args: { path: "link/passwd" } }] },
      { kind: "text", text: "Refused." },
    ]);
    harness = await startBuiltinSession({ config: anthropic(server.url) });
    await import("node:fs/promises").then((fs) => fs.symlink("/etc", join(harness?.workspace ?? "", "link")));
    expect(await runTurn(harness, "Read it")).toBeNull();
    expect(toolResults(server.requests[1]?.body)[0]).toContain("outside the workspace");
    expect(ofType(harness.events, "tool_call")[0]).toMatchObject({ tool: "read_file", ok: false });
  });

  it("a malformed tool call goes back to the model as a tool error; the turn still completes", async () => {
    server = await startFakeAnthropicServer([
      { kind: "tool_calls", calls: [{ name: "write_file", args: { path: 42 } }] },
      { kind: "text", text: "Ok." },
    ]);
    harness = await startBuiltinSession({ config: anthropic(server.url) });
    expect(await runTurn(harness, "Go")).toBeNull();
    expect(toolResults(server.requests[1]?.body)[0]).toMatch(/invalid/i);
    expect(ofType(harness.events, "tool_call")[0]).toMatchObject({ tool: "write_file", ok: false });
  });

  it("keeps the conversation, tool results included, across continuation turns", async () => {
    server = await startFakeAnthropicServer([
      { kind: "tool_calls", calls: [{ name: "list_dir", args: {} }] },
      { kind: "text", text: "Listed." },
      { kind: "text", text: "Continued." },
    ]);
    harness = await startBuiltinSession({ config: anthropic(server.url) });
    expect(await runTurn(harness, "First", 1)).toBeNull();
    expect(await runTurn(harness, "Second", 2)).toBeNull();
    // biome-ignore lint/suspicious/noExplicitAny: provider JSON
    const roles = server.requests[2]?.body.messages.map((m: any) => m.role);
    expect(roles).toEqual(["user", "assistant", "user", "assistant", "user"]);
    expect(toolResults(server.requests[2]?.body)).toHaveLength(1);
  });

  it("429 with retry-after maps to model_rate_limited with retryAfterMs", async () => {
    server = await startFakeAnthropicServer([
      {
        kind: "error",
        status: 429,
        message: "Number of requests has exceeded your rate limit",
        headers: { "retry-after": "3", "anthropic-ratelimit-requests-remaining": "0" },
      },
    ]);
    harness = await startBuiltinSession({ config: anthropic(server.url) });
    expect(await runTurn(harness, "Hi")).toMatchObject({
      category: "model_rate_limited",
      retryAfterMs: 3_000,
    });
  });

  it.each([
    [500, "model_server_error"],
    [529, "model_server_error"],
    [401, "model_auth"],
  ] as const)("HTTP %i maps to %s", async (status, category) => {
    server = await startFakeAnthropicServer([{ kind: "error", status, message: "nope" }]);
    harness = await startBuiltinSession({ config: anthropic(server.url) });
    expect(await runTurn(harness, "Hi")).toMatchObject({ category });
  });

  it("'prompt is too long' maps to context_overflow", async () => {
    server = await startFakeAnthropicServer([
      { kind: "error", status: 400, message: "prompt is too long: 210000 tokens > 200000 maximum" },
    ]);
    harness = await startBuiltinSession({ config: anthropic(server.url) });
    expect(await runTurn(harness, "Hi")).toMatchObject({ category: "context_overflow" });
  });

  it("a stream cut mid-way fails the turn as model_server_error", async () => {
    server = await startFakeAnthropicServer([{ kind: "cut", text: "half" }]);
    harness = await startBuiltinSession({ config: anthropic(server.url) });
    expect(await runTurn(harness, "Hi")).toMatchObject({ category: "model_server_error" });
  });

  it("stop() cancels a very slow stream", async () => {
    server = await startFakeAnthropicServer([{ kind: "slow", text: "y".repeat(1_000), chunkDelayMs: 50 }]);
    harness = await startBuiltinSession({ config: anthropic(server.url) });
    const h = harness;
    const turn = runTurn(h, "Hi");
    await until(() => server?.requests.length === 1, 5_000, "request");
    await h.session.stop();
    expect(await turn).toMatchObject({ category: "turn_cancelled" });
    await until(() => server?.abortedResponses() === 1, 2_000, "server to see the disconnect");
  });

  it("cancellation kills a running command's whole process group", async () => {
    server = await startFakeAnthropicServer([
      {
        kind: "tool_calls",
        calls: [{ name: "run_command", args: { command: "sleep 30 & echo $! > child.pid; wait" } }],
      },
      { kind: "text", text: "never reached" },
    ]);
    harness = await startBuiltinSession({ config: anthropic(server.url) });
    const h = harness;
    const turn = runTurn(h, "Run it");
    const pidFile = join(h.workspace, "child.pid");
    await until(
      async () => (await readFile(pidFile, "utf8").catch(() => "")).trim() !== "",
      5_000,
      "pid file",
    );
    const pid = Number((await readFile(pidFile, "utf8")).trim());
    expect(pidAlive(pid)).toBe(true);
    h.controller.abort();
    expect(await turn).toMatchObject({ category: "turn_cancelled" });
    await until(() => !pidAlive(pid), 3_000, "sleep to die");
    expect(server.requests).toHaveLength(1);
  });
});
