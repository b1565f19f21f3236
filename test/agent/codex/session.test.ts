import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import type { AgentSession } from "../../../src/agent/backend.js";
import { clockTimeout } from "../../../src/util/clock.js";
import { ofType } from "../../support/agent-events.js";
import { openSession, recordingTools, tempRoot } from "../../support/codex-harness.js";
import { ManualClock } from "../../support/manual-clock.js";
import { pidAlive, until } from "../../support/until.js";

// The session against a scripted peer: a tiny node script spawned as codex.command (real process, real pipes)
// for what the real binary cannot be made to do.

const PEER = join(dirname(fileURLToPath(import.meta.url)), "../../support/fake-app-server.mjs");
const turnInput = {
  issue: { id: "issue-1" } as never,
  turn: 1,
  maxTurns: 3,
  signal: new AbortController().signal,
};
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

interface LogEntry {
  readonly received?: Record<string, unknown>;
  readonly cwd?: string;
  readonly env?: Record<string, string>;
}

async function peer(
  scenario: string,
  options: { clock?: ManualClock; codex?: Record<string, unknown>; signal?: AbortSignal } = {},
) {
  const dirs = tempRoot();
  cleanups.push(dirs.cleanup);
  const logFile = join(dirs.root, "peer.ndjson");
  const tools = recordingTools(
    [{ name: "echo_tool", description: "echoes", inputSchema: { type: "object", properties: {} } }],
    (_name, args) => ({ success: true, output: { echoed: args } }),
  );
  const opened = await openSession({
    codex: { command: `node ${PEER} ${scenario}`, approvalPolicy: "never", ...options.codex },
    workspace: dirs.workspace,
    env: { PATH: process.env.PATH ?? "", HOME: dirs.home, FAKE_LOG: logFile },
    tools,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const session = opened.result.ok ? opened.result.value : null;
  if (session) cleanups.unshift(() => session.stop());
  const log = (): LogEntry[] =>
    existsSync(logFile)
      ? readFileSync(logFile, "utf8")
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l) as LogEntry)
      : [];
  return { ...opened, session: session as AgentSession, log, tools, dirs };
}

describe("codex session against a scripted app-server peer", () => {
  it("17.5: launch uses the workspace cwd via bash, and tracker credentials never reach the child env", async () => {
    process.env.LINEAR_API_KEY = "lin_secret_value";
    try {
      const { session, log, dirs } = await peer("plain");
      expect((await session.runTurn("hi", turnInput)).ok).toBe(true);
      const first = log()[0];
      expect(first?.cwd).toBe(dirs.workspace);
      expect(JSON.stringify(first?.env)).not.toContain("lin_secret_value");
      expect(first?.env?.FAKE_LOG).toBeDefined();
    } finally {
      delete process.env.LINEAR_API_KEY;
    }
  });

  it("codex.home inherit: the operator's CODEX_HOME reaches codex on the local host even though the allow-list drops it", async () => {
    const previous = process.env.CODEX_HOME;
    process.env.CODEX_HOME = "/operator/codex-home";
    try {
      const { session, log } = await peer("plain");
      expect((await session.runTurn("hi", turnInput)).ok).toBe(true);
      expect(log()[0]?.env?.CODEX_HOME).toBe("/operator/codex-home");
    } finally {
      if (previous === undefined) delete process.env.CODEX_HOME;
      else process.env.CODEX_HOME = previous;
    }
  });

  it("17.5: startup and turn payloads carry the configured approval policy, sandbox, cwd, tools and title", async () => {
    const turnSandboxPolicy = { type: "readOnly", networkAccess: true };
    const { session, log, dirs } = await peer("plain", {
      codex: { approvalPolicy: "untrusted", threadSandbox: "read-only", turnSandboxPolicy },
    });
    expect((await session.runTurn("the prompt", turnInput)).ok).toBe(true);
    const sent = log()
      .map((e) => e.received)
      .filter((m): m is Record<string, unknown> => m !== undefined);
    const params = (method: string) => sent.find((m) => m.method === method)?.params;
    expect(params("initialize")).toEqual({
      clientInfo: { name: "symphony", title: "Symphony", version: "0.1.0" },
      capabilities: { experimentalApi: true },
    });
    expect(params("thread/start")).toEqual({
      cwd: dirs.workspace,
      approvalPolicy: "untrusted",
      sandbox: "read-only",
      dynamicTools: [
        {
          type: "function",
          name: "echo_tool",
          description: "echoes",
          inputSchema: { type: "object", properties: {} },
        },
      ],
    });
    expect(params("thread/name/set")).toEqual({ threadId: "thread-1", name: "SYM-1: Make the file" });
    expect(params("turn/start")).toEqual({
      threadId: "thread-1",
      input: [{ type: "text", text: "the prompt", text_elements: [] }],
      cwd: dirs.workspace,
      approvalPolicy: "untrusted",
      sandboxPolicy: turnSandboxPolicy,
    });
  });

  it("an abort during the handshake stops the process without waiting for the read timeout", async () => {
    const controller = new AbortController();
    const clock = new ManualClock(); // never advanced: only the abort can end the wait
    const started = peer("no-init-response", { clock, signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    const { result } = await started;
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.category).toBe("turn_cancelled");
  });

  it("17.5: transport framing — garbage lines become malformed events and the turn still completes", async () => {
    const { session, events } = await peer("garbage");
    expect((await session.runTurn("hi", turnInput)).ok).toBe(true);
    const malformed = ofType(events, "malformed");
    expect(malformed.map((m) => m.line)).toEqual(["this is not json", "{broken json", "[1,2,3]"]);
  });

  it("17.5: transport framing — a line over the 10 MB cap is one malformed event, not a crash", async () => {
    const { session, events } = await peer("huge-line");
    expect((await session.runTurn("hi", turnInput)).ok).toBe(true);
    const malformed = ofType(events, "malformed");
    expect(malformed).toHaveLength(1);
    expect(malformed[0]?.reason).toMatch(/exceeds 10485760/);
    expect(malformed[0]?.line.length).toBeLessThanOrEqual(200);
  });

  it("17.5: subprocess exit mid-turn fails the turn as process_exit", async () => {
    const { session, events } = await peer("exit-mid-turn");
    const result = await session.runTurn("hi", turnInput);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.category).toBe("process_exit");
    expect(ofType(events, "turn_failed")[0]?.reason).toBe("process_exit");
  });

  it("17.5: request/response read timeout is enforced (turn/start response never comes)", async () => {
    const clock = new ManualClock();
    const { session } = await peer("no-turn-response", { clock, codex: { readTimeoutMs: 5_000 } });
    const running = session.runTurn("hi", turnInput);
    clock.advance(5_000);
    const result = await running;
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.category).toBe("response_timeout");
  });

  it("17.5: read timeout during startup fails the session with response_timeout and kills the peer", async () => {
    const clock = new ManualClock();
    const started = peer("no-init-response", { clock, codex: { readTimeoutMs: 5_000 } });
    // the initialize timer is armed once the process is spawned; advance until it fires
    let settled = false;
    void started.then(() => {
      settled = true;
    });
    await until(() => {
      clock.advance(5_000);
      return settled;
    }, 5_000);
    const { result, events } = await started;
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.category).toBe("response_timeout");
    expect(ofType(events, "startup_failed")).toHaveLength(1);
  });

  it("the runner's clock-driven turn signal ends a silent turn as turn_timeout", async () => {
    const clock = new ManualClock();
    const { session, events } = await peer("silent", { clock });
    const timeout = clockTimeout(clock, 60_000);
    const running = session.runTurn("hi", { ...turnInput, signal: timeout.signal });
    await until(() => ofType(events, "session_started").length === 1, 5_000);
    clock.advance(59_999);
    let done = false;
    void running.then(() => {
      done = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    clock.advance(1);
    const result = await running;
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.category).toBe("turn_timeout");
  });

  it("17.5: turn/completed arriving before the turn/start response still ends the turn", async () => {
    const { session, events } = await peer("early-complete");
    expect((await session.runTurn("hi", turnInput)).ok).toBe(true);
    expect(ofType(events, "turn_completed")).toHaveLength(1);
  });

  it("17.5: error notifications with willRetry do not end the turn; only turn/completed does", async () => {
    const { session, events } = await peer("retry-errors");
    expect((await session.runTurn("hi", turnInput)).ok).toBe(true);
    const retries = ofType(events, "notification").filter((n) => n.method === "error");
    expect(retries.map((r) => r.summary)).toEqual([
      "retrying: Reconnecting... 1/5",
      "retrying: Reconnecting... 2/5",
      "retrying: Reconnecting... 3/5",
    ]);
  });

  it("17.5: usage and rate-limit telemetry is extracted; stderr stays out of the protocol stream", async () => {
    const { session, events } = await peer("telemetry");
    expect((await session.runTurn("hi", turnInput)).ok).toBe(true);
    expect(ofType(events, "token_usage").map((e) => e.totals.totalTokens)).toEqual([100, 250]);
    expect(ofType(events, "rate_limits")).toHaveLength(1);
    expect(ofType(events, "rate_limits")[0]?.rateLimits).toMatchObject({ limitId: "codex" });
    await until(() => ofType(events, "output").length >= 2, 5_000);
    expect(ofType(events, "output").map((o) => o.line)).toContain('{"method":"turn/completed","params":{}}');
    expect(ofType(events, "turn_completed")).toHaveLength(1);
    expect(ofType(events, "malformed")).toEqual([]);
  });

  it("17.5: under never, approvals are accepted for the session, MCP tool approvals answered, unknown requests get an error, unsupported tools fail without stalling", async () => {
    const { session, events, log, tools } = await peer("server-requests");
    expect((await session.runTurn("hi", turnInput)).ok).toBe(true);
    const replies = new Map(
      log()
        .map((e) => e.received)
        .filter((m): m is Record<string, unknown> => m !== undefined && m.method === undefined && "id" in m)
        .map((m) => [m.id, m]),
    );
    expect(replies.get(0)).toEqual({ id: 0, result: { decision: "acceptForSession" } });
    expect(replies.get(1)).toEqual({ id: 1, result: { decision: "acceptForSession" } });
    expect(replies.get(2)).toMatchObject({ id: 2, error: { code: -32601 } });
    expect(replies.get(3)).toMatchObject({ id: 3, result: { success: false } });
    expect(JSON.stringify(replies.get(3))).toContain("echo_tool");
    expect(replies.get(4)).toEqual({
      id: 4,
      result: { success: true, contentItems: [{ type: "inputText", text: '{"echoed":{"a":1}}' }] },
    });
    expect(replies.get(5)).toEqual({
      id: 5,
      result: { answers: { mcp_tool_call_approval_x: { answers: ["Approve this Session"] } } },
    });
    expect(tools.calls).toEqual([{ name: "echo_tool", args: { a: 1 } }]);
    expect(ofType(events, "approval_auto_approved").map((e) => e.kind)).toEqual([
      "command",
      "file_change",
      "mcp_tool_call",
    ]);
    expect(ofType(events, "tool_call").map((e) => [e.tool, e.ok])).toEqual([
      ["not_a_tool", false],
      ["echo_tool", true],
    ]);
  });

  it("17.5: MCP elicitation ends the attempt as blocked even under never, with the question recorded", async () => {
    const { session, log } = await peer("elicitation");
    const result = await session.runTurn("hi", turnInput);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.category).toBe("input_required");
    expect(result.error.question).toBe("db: Which schema?");
    await until(() => log().some((e) => e.received?.method === "turn/interrupt"), 5_000);
    expect(
      log().some((e) => e.received?.id === 0 && JSON.stringify(e.received).includes('"action":"cancel"')),
    ).toBe(true);
  });

  it("17.5: a file-change approval under a non-never policy blocks the attempt as approval_required", async () => {
    const { session } = await peer("file-change-approval", { codex: { approvalPolicy: "untrusted" } });
    const result = await session.runTurn("hi", turnInput);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.category).toBe("approval_required");
  });

  it("17.5: a missing codex.command fails startup as agent_not_found", async () => {
    const dirs = tempRoot();
    cleanups.push(dirs.cleanup);
    const { result, events } = await openSession({
      codex: { command: "symphony-no-such-codex-binary app-server" },
      workspace: dirs.workspace,
      env: { PATH: process.env.PATH ?? "", HOME: dirs.home },
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.category).toBe("agent_not_found");
    // the message names the command line, so the operator knows what to fix
    if (!result.ok) expect(result.error.message).toContain('"symphony-no-such-codex-binary app-server"');
    expect(ofType(events, "startup_failed")).toHaveLength(1);
  });

  it("17.5: a relative workspace path is refused as invalid_workspace_cwd", async () => {
    const { result } = await openSession({ codex: {}, workspace: "relative/ws", env: {} });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.category).toBe("invalid_workspace_cwd");
  });

  it("stop() is idempotent, ends the process group, and leaves no pid behind", async () => {
    const { session, events } = await peer("plain");
    expect((await session.runTurn("hi", turnInput)).ok).toBe(true);
    const pid = Number(ofType(events, "session_started")[0]?.pid);
    expect(pidAlive(pid)).toBe(true);
    await Promise.all([session.stop(), session.stop()]);
    expect(pidAlive(pid)).toBe(false);
    const after = await session.runTurn("again", { ...turnInput, turn: 2 });
    expect(after.ok).toBe(false);
  });
});
