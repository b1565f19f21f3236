import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import type { AgentSession, TurnInput } from "../../../src/agent/backend.js";
import type { AgentError } from "../../../src/domain/errors.js";
import type { Result } from "../../../src/domain/result.js";
import { type OpenAcpSessionOptions, openAcpSession } from "../../support/acp-harness.js";
import { ofType } from "../../support/agent-events.js";
import { claudeTestEnv } from "../../support/claude-harness.js";
import { recordingTools, tempRoot, testIssue } from "../../support/codex-harness.js";
import { startFakeAnthropicServer } from "../../support/fake-anthropic-server.js";
import type { RecordedRequest, ScriptedReply } from "../../support/fake-streaming-model-server.js";
import { processesMentioning } from "../../support/processes.js";
import { CLAUDE_CODE_ACP, describeNeeding } from "../../support/tools.js";
import { until } from "../../support/until.js";

// The acp backend against a REAL ACP agent from npm — Claude Code's adapter (@zed-industries/claude-code-acp,
// pinned devDependency) — driven by the same loopback fake Anthropic API as the claude backend tests. As
// root the adapter refuses to start a session unless IS_SANDBOX=1 is set, so every test sets it.

const needs = describeNeeding([CLAUDE_CODE_ACP]);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function input(turn: number, signal = new AbortController().signal): TurnInput {
  return { issue: testIssue(), turn, maxTurns: 3, signal };
}

const messages = (req: RecordedRequest): string => JSON.stringify(req.body?.messages ?? []);
const lastMessage = (req: RecordedRequest): string => JSON.stringify(req.body?.messages?.at(-1) ?? null);
/** Claude Code also makes small side requests (titles, summaries) without tools: they get plain text. */
const sideRequest = (req: RecordedRequest): boolean => (req.body?.tools ?? []).length === 0;

async function open(
  script: (req: RecordedRequest) => ScriptedReply,
  options: Omit<Partial<OpenAcpSessionOptions>, "acp"> & { acp?: Partial<OpenAcpSessionOptions["acp"]> } = {},
) {
  const model = await startFakeAnthropicServer((req) =>
    sideRequest(req) ? { kind: "text", text: "A title" } : script(req),
  );
  const dirs = tempRoot();
  cleanups.push(() => model.close(), dirs.cleanup);
  const opened = await openAcpSession({
    ...options,
    acp: { command: CLAUDE_CODE_ACP.path, ...options.acp },
    workspace: dirs.workspace,
    env: claudeTestEnv(model, dirs.home, { IS_SANDBOX: "1", ENABLE_TOOL_SEARCH: "false", ...options.env }),
  });
  if (opened.result.ok) {
    const session = opened.result.value;
    cleanups.unshift(() => session.stop());
  }
  return { model, dirs, ...opened };
}

function sessionOf(result: Result<AgentSession, AgentError>): AgentSession {
  if (!result.ok) throw new Error(`session did not start: ${JSON.stringify(result.error)}`);
  return result.value;
}

const bashThenDone =
  (command: string) =>
  (req: RecordedRequest): ScriptedReply =>
    lastMessage(req).includes('"tool_result"')
      ? { kind: "text", text: "Finished." }
      : { kind: "tool_calls", calls: [{ name: "Bash", args: { command, description: "do it" } }] };

needs.describe("acp backend (real claude-code-acp agent, fake Anthropic API)", { timeout: 90_000 }, () => {
  it("auto_approve: the agent's permission request is answered with allow, the command runs, the turn completes", async () => {
    const { dirs, result, events } = await open(bashThenDone("echo acp-ok > ACP.txt"), {
      acp: { autoApprove: true },
    });
    const session = sessionOf(result);
    expect(await session.runTurn("write ACP.txt", input(1))).toEqual({ ok: true, value: undefined });
    expect(readFileSync(join(dirs.workspace, "ACP.txt"), "utf8")).toBe("acp-ok\n");
    expect(ofType(events, "approval_auto_approved")).toHaveLength(1);
    expect(ofType(events, "tool_call")).toEqual([expect.objectContaining({ tool: "Bash", ok: true })]);
    expect(ofType(events, "turn_completed")).toEqual([expect.objectContaining({ message: "Finished." })]);
    const started = ofType(events, "session_started");
    expect(started[0]?.sessionId).toBe(`${started[0]?.threadId}-1`);
  });

  it("default posture: a permission request blocks the issue with the question; nothing runs", async () => {
    const { dirs, result, events } = await open(bashThenDone("touch ACP_FORBIDDEN"));
    const session = sessionOf(result);
    const turn = await session.runTurn("make the file", input(1));
    expect(turn.ok ? null : turn.error.category).toBe("approval_required");
    expect(ofType(events, "input_required")).toEqual([
      expect.objectContaining({ kind: "approval", question: expect.stringContaining("touch ACP_FORBIDDEN") }),
    ]);
    expect(existsSync(join(dirs.workspace, "ACP_FORBIDDEN"))).toBe(false);
  });

  it("a continuation turn prompts the same ACP session, and the model sees the first turn", async () => {
    let n = 0;
    const { model, result, events } = await open(() => ({ kind: "text", text: `reply ${++n}` }));
    const session = sessionOf(result);
    expect((await session.runTurn("first acp prompt", input(1))).ok).toBe(true);
    expect((await session.runTurn("second acp prompt", input(2))).ok).toBe(true);
    const started = ofType(events, "session_started");
    expect(started.map((e) => e.turnId)).toEqual(["1", "2"]);
    expect(started[1]?.threadId).toBe(started[0]?.threadId);
    const last = messages(model.requests.filter((r) => !sideRequest(r)).at(-1) as RecordedRequest);
    expect(last).toContain("first acp prompt");
    expect(last).toContain("reply 1");
    expect(ofType(events, "turn_completed").map((e) => e.message)).toEqual(["reply 1", "reply 2"]);
  });

  it("tracker tools reach the agent as Symphony's MCP server (session/new mcpServers) and act on this issue", async () => {
    const tools = recordingTools(
      [
        {
          name: "update_issue",
          description: "Comment on the current issue",
          inputSchema: { type: "object", properties: { comment: { type: "string" } } },
        },
      ],
      () => ({ success: true, output: { commented: true } }),
    );
    const { result, events } = await open(
      (req) =>
        lastMessage(req).includes('"tool_result"')
          ? { kind: "text", text: "Commented." }
          : {
              kind: "tool_calls",
              calls: [{ name: "mcp__symphony__update_issue", args: { comment: "via acp" } }],
            },
      { tools, acp: { autoApprove: true } },
    );
    const session = sessionOf(result);
    expect((await session.runTurn("comment", input(1))).ok).toBe(true);
    expect(tools.calls).toEqual([{ name: "update_issue", args: { comment: "via acp" } }]);
    expect(ofType(events, "tool_call")).toEqual([
      expect.objectContaining({ tool: "update_issue", ok: true }),
    ]);
  });

  it("a turn stopped by its signal is cancelled with session/cancel; stop leaves no process", async () => {
    const { model, dirs, result, events } = await open(() => ({
      kind: "slow",
      text: "y".repeat(400),
      chunkDelayMs: 50,
    }));
    const session = sessionOf(result);
    const controller = new AbortController();
    const running = session.runTurn("slowly", input(1, controller.signal));
    await until(() => model.requests.some((r) => !sideRequest(r)), 20_000);
    controller.abort("reconcile");
    const stopped = await running;
    expect(stopped.ok ? null : stopped.error.category).toBe("turn_cancelled");
    expect(ofType(events, "turn_cancelled")).toHaveLength(1);
    await session.stop();
    await until(async () => (await processesMentioning(dirs.root)).length === 0, 10_000);
  });
});
