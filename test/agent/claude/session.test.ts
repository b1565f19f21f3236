import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import type { AgentSession, TurnInput } from "../../../src/agent/backend.js";
import { ofType } from "../../support/agent-events.js";
import {
  claudeTestEnv,
  type OpenClaudeSessionOptions,
  openClaudeSession,
} from "../../support/claude-harness.js";
import { recordingTools, tempRoot, testIssue } from "../../support/codex-harness.js";
import { startFakeAnthropicServer } from "../../support/fake-anthropic-server.js";
import type { RecordedRequest, Script } from "../../support/fake-streaming-model-server.js";
import { processesMentioning } from "../../support/processes.js";
import { CLAUDE, describeNeeding } from "../../support/tools.js";
import { until } from "../../support/until.js";

// The claude backend against the REAL Claude Code CLI (pinned devDependency) driven by a loopback fake
// Anthropic Messages API. Tests run as root here, where the CLI refuses bypassPermissions unless
// IS_SANDBOX=1 — so most turns are granted tools by allow rules, as an operator running as root would.

const needs = describeNeeding([CLAUDE]);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function input(turn: number, signal = new AbortController().signal): TurnInput {
  return { issue: testIssue(), turn, maxTurns: 3, signal };
}

/** The text of a request's last message (tool results included), to script replies by what the CLI sent. */
function lastMessage(req: RecordedRequest): string {
  return JSON.stringify(req.body?.messages?.at(-1) ?? null);
}

function afterToolResult(req: RecordedRequest): boolean {
  return lastMessage(req).includes('"tool_result"');
}

type OpenOptions = Omit<OpenClaudeSessionOptions, "workspace" | "env"> & {
  readonly env?: Readonly<Record<string, string>>;
};

async function open(script: Script, options: OpenOptions = {}) {
  const model = await startFakeAnthropicServer(script);
  const dirs = tempRoot();
  cleanups.push(() => model.close(), dirs.cleanup);
  const { env, ...rest } = options;
  const opened = await openClaudeSession({
    ...rest,
    workspace: dirs.workspace,
    // the fake model cannot run Claude Code's tool search, so MCP tools are offered up front
    env: claudeTestEnv(model, dirs.home, { ENABLE_TOOL_SEARCH: "false", ...env }),
  });
  if (opened.result.ok) {
    const session = opened.result.value;
    cleanups.unshift(() => session.stop());
  }
  return { model, dirs, ...opened };
}

function sessionOf(result: { ok: boolean; value?: AgentSession }): AgentSession {
  if (!result.ok || result.value === undefined)
    throw new Error(`session did not start: ${JSON.stringify(result)}`);
  return result.value;
}

needs.describe("claude backend (real Claude Code CLI, fake Anthropic API)", { timeout: 90_000 }, () => {
  it("a turn writes a file and runs a command, reports tool calls, absolute tokens with cost, and completes", async () => {
    const { model, dirs, result, events } = await open(
      (req) => {
        const last = lastMessage(req);
        if (!afterToolResult(req)) {
          return {
            kind: "tool_calls",
            calls: [{ name: "Write", args: { file_path: "NOTES.md", content: "written by claude\n" } }],
            usage: { input: 300, output: 40 },
          };
        }
        if (last.includes("NOTES.md") && !last.includes("ran-ok")) {
          return {
            kind: "tool_calls",
            calls: [
              { name: "Bash", args: { command: "echo ran-ok > RAN.txt && cat RAN.txt", description: "run" } },
            ],
            usage: { input: 350, output: 30 },
          };
        }
        return { kind: "text", text: "All done.", usage: { input: 400, output: 10 } };
      },
      { claude: { permissionMode: "acceptEdits", allowedTools: ["Bash(echo:*)"] } },
    );
    const session = sessionOf(result);
    const turn = await session.runTurn("Write NOTES.md and run the check", input(1));
    expect(turn).toEqual({ ok: true, value: undefined });
    expect(readFileSync(join(dirs.workspace, "NOTES.md"), "utf8")).toBe("written by claude\n");
    expect(readFileSync(join(dirs.workspace, "RAN.txt"), "utf8")).toBe("ran-ok\n");

    const started = ofType(events, "session_started");
    expect(started).toHaveLength(1);
    expect(started[0]?.sessionId).toBe(`${started[0]?.threadId}-1`);
    expect(started[0]?.model).toBe(model.requests[0]?.body.model);
    const calls = ofType(events, "tool_call").map((e) => [e.tool, e.ok, e.summary]);
    expect(calls).toEqual([
      ["Write", true, "Write: NOTES.md"],
      ["Bash", true, "Bash: echo ran-ok > RAN.txt && cat RAN.txt"],
    ]);
    const usage = ofType(events, "token_usage").at(-1)?.totals;
    expect(usage?.inputTokens).toBe(300 + 350 + 400);
    expect(usage?.outputTokens).toBe(40 + 30 + 10);
    expect(usage?.costUsd).toBeGreaterThan(0);
    expect(ofType(events, "turn_completed")).toEqual([
      expect.objectContaining({ turn: 1, message: "All done." }),
    ]);
    // the API key reached the CLI through the environment, never on its command line
    expect(model.requests[0]?.headers["x-api-key"]).toBe("sk-ant-test-key");
  });

  it("a continuation turn resumes the same Claude session: same id, the model sees the first turn", async () => {
    let n = 0;
    const { model, result, events } = await open(() => ({ kind: "text", text: `answer ${++n}` }));
    const session = sessionOf(result);
    expect((await session.runTurn("first prompt", input(1))).ok).toBe(true);
    expect((await session.runTurn("continue please", input(2))).ok).toBe(true);
    const started = ofType(events, "session_started");
    expect(started.map((e) => e.turnId)).toEqual(["1", "2"]);
    expect(started[1]?.threadId).toBe(started[0]?.threadId);
    const second = JSON.stringify(model.requests.at(-1)?.body.messages);
    expect(second).toContain("first prompt");
    expect(second).toContain("answer 1");
    expect(second).toContain("continue please");
    expect(ofType(events, "turn_completed").map((e) => e.message)).toEqual(["answer 1", "answer 2"]);
  });

  it("a tracker tool is called through Symphony's MCP server, bound to the issue being worked", async () => {
    const tools = recordingTools(
      [
        {
          name: "update_issue",
          description: "Comment on or move the current issue",
          inputSchema: { type: "object", properties: { comment: { type: "string" } }, required: ["comment"] },
        },
      ],
      (_name, args) => ({ success: true, output: { ok: true, echoed: args } }),
    );
    const issue = testIssue({ id: "issue-77", identifier: "SYM-77" });
    const { model, result, events } = await open(
      (req) =>
        afterToolResult(req)
          ? { kind: "text", text: "Commented." }
          : {
              kind: "tool_calls",
              calls: [{ name: "mcp__symphony__update_issue", args: { comment: "progress" } }],
            },
      { tools, issue },
    );
    const session = sessionOf(result);
    expect((await session.runTurn("comment on the issue", { ...input(1), issue })).ok).toBe(true);
    expect(tools.calls).toEqual([{ name: "update_issue", args: { comment: "progress" } }]);
    // the model was offered the tool and got its output back
    const offered = (model.requests[0]?.body.tools ?? []).map((t: { name: string }) => t.name);
    expect(offered).toContain("mcp__symphony__update_issue");
    expect(lastMessage(model.requests.at(-1) as RecordedRequest)).toContain("echoed");
    expect(ofType(events, "tool_call")).toEqual([
      expect.objectContaining({
        tool: "update_issue",
        ok: true,
        summary: 'update_issue: {"comment":"progress"}',
      }),
    ]);
  });

  it("a tool call that needs approval blocks the issue with the question and does not run", async () => {
    const { dirs, result, events } = await open((req) =>
      afterToolResult(req)
        ? { kind: "text", text: "I could not." }
        : {
            kind: "tool_calls",
            calls: [{ name: "Bash", args: { command: "touch FORBIDDEN", description: "make" } }],
          },
    );
    const session = sessionOf(result);
    const turn = await session.runTurn("make the file", input(1));
    expect(turn.ok).toBe(false);
    if (turn.ok) return;
    expect(turn.error.category).toBe("approval_required");
    expect(turn.error.question).toContain("touch FORBIDDEN");
    expect(ofType(events, "input_required")).toEqual([
      expect.objectContaining({
        kind: "approval",
        question: expect.stringContaining("Bash: touch FORBIDDEN"),
      }),
    ]);
    expect(existsSync(join(dirs.workspace, "FORBIDDEN"))).toBe(false);
  });

  it.each([
    [401, "authentication_error", "model_auth"],
    [429, "rate_limit_error", "model_rate_limited"],
    [529, "overloaded_error", "model_server_error"],
  ])("a %i from the model ends the turn as %s → %s", async (status, code, category) => {
    const { result, events } = await open(() => ({ kind: "error", status, code, message: `fake ${status}` }));
    const session = sessionOf(result);
    const turn = await session.runTurn("go", input(1));
    expect(turn.ok ? null : turn.error.category).toBe(category);
    expect(ofType(events, "turn_failed")).toEqual([expect.objectContaining({ reason: category })]);
  });

  it("a 429 the CLI retries is reported as a rate-limit event and the turn still completes", async () => {
    const { result, events } = await open(
      (_req, i) =>
        i === 0
          ? { kind: "error", status: 429, message: "slow down", headers: { "retry-after": "0" } }
          : { kind: "text", text: "made it" },
      { env: { CLAUDE_CODE_MAX_RETRIES: "2" } },
    );
    const session = sessionOf(result);
    expect((await session.runTurn("go", input(1))).ok).toBe(true);
    expect(ofType(events, "rate_limits")).toEqual([
      expect.objectContaining({ rateLimits: expect.objectContaining({ source: "claude", status: 429 }) }),
    ]);
  });

  it("a turn stopped by its signal is interrupted; the next turn still works; stop leaves no process", async () => {
    const { model, dirs, result, events } = await open((req) =>
      JSON.stringify(req.body?.messages).includes("now answer")
        ? { kind: "text", text: "second" }
        : { kind: "slow", text: "x".repeat(400), chunkDelayMs: 50 },
    );
    const session = sessionOf(result);
    const controller = new AbortController();
    const running = session.runTurn("take your time", input(1, controller.signal));
    // stop it while the model is streaming its answer
    await until(() => model.requests.length === 1, 20_000);
    controller.abort("reconcile");
    const stopped = await running;
    expect(stopped.ok ? null : stopped.error.category).toBe("turn_cancelled");
    expect(ofType(events, "turn_cancelled")).toHaveLength(1);
    const next = await session.runTurn("now answer", input(2));
    expect(next).toEqual({ ok: true, value: undefined });
    expect(ofType(events, "turn_completed").map((e) => e.message)).toEqual(["second"]);
    // the interrupted stream was abandoned by the CLI, not read to its end
    expect(model.abortedResponses()).toBe(1);
    await session.stop();
    await until(async () => (await processesMentioning(dirs.root)).length === 0, 10_000);
  });

  it.each([
    ["isolated", "the CLI default"],
    ["inherit", "operator-model"],
  ] as const)(
    "home: %s — the operator's ~/.claude settings reach the run only when inherited",
    async (home, expected) => {
      const model = await startFakeAnthropicServer(() => ({ kind: "text", text: "ok" }));
      const dirs = tempRoot();
      cleanups.push(() => model.close(), dirs.cleanup);
      const operatorClaude = join(dirs.home, ".claude");
      mkdirSync(operatorClaude);
      writeFileSync(join(operatorClaude, "settings.json"), JSON.stringify({ model: "operator-model" }));
      writeFileSync(join(operatorClaude, ".credentials.json"), "{}");
      const tmp = join(dirs.root, "tmp");
      mkdirSync(tmp);
      const opened = await openClaudeSession({
        claude: { home },
        workspace: dirs.workspace,
        env: claudeTestEnv(model, dirs.home, { TMPDIR: tmp }),
      });
      const session = sessionOf(opened.result);
      cleanups.unshift(() => session.stop());
      expect((await session.runTurn("hi", input(1))).ok).toBe(true);
      const used = model.requests.at(-1)?.body.model;
      expect(expected === "operator-model" ? used : used !== "operator-model").toBe(
        expected === "operator-model" ? "operator-model" : true,
      );
      const configDirs = readdirSync(tmp).filter((n) => n.startsWith("symphony-claude-config."));
      if (home === "isolated") {
        // only the login was copied in
        expect(configDirs).toHaveLength(1);
        expect(readdirSync(join(tmp, configDirs[0] as string))).toContain(".credentials.json");
        expect(existsSync(join(tmp, configDirs[0] as string, "settings.json"))).toBe(false);
      } else {
        expect(configDirs).toEqual([]);
      }
      await session.stop();
      expect(readdirSync(tmp).filter((n) => n.startsWith("symphony-claude-config."))).toEqual([]);
    },
  );

  it("under bypassPermissions (IS_SANDBOX=1 as root) tools run without allow rules or prompts", async () => {
    const { dirs, result, events } = await open(
      (req) =>
        afterToolResult(req)
          ? { kind: "text", text: "done" }
          : {
              kind: "tool_calls",
              calls: [{ name: "Bash", args: { command: "touch BYPASSED", description: "b" } }],
            },
      { claude: { permissionMode: "bypassPermissions" }, env: { IS_SANDBOX: "1" } },
    );
    const session = sessionOf(result);
    expect((await session.runTurn("go", input(1))).ok).toBe(true);
    expect(existsSync(join(dirs.workspace, "BYPASSED"))).toBe(true);
    expect(ofType(events, "input_required")).toEqual([]);
  });

  it("a missing claude.command is agent_not_found", async () => {
    const { result, events } = await open(() => ({ kind: "text", text: "never" }), {
      claude: { command: "definitely-not-claude-xyz" },
    });
    expect(result.ok ? null : result.error.category).toBe("agent_not_found");
    expect(ofType(events, "startup_failed")).toHaveLength(1);
  });
});
