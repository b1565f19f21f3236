import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { AgentSession } from "../../../src/agent/backend.js";
import { clockTimeout, systemClock } from "../../../src/util/clock.js";
import { ofType } from "../../support/agent-events.js";
import { openSession, recordingTools, tempRoot } from "../../support/codex-harness.js";
import { codexCommand, createTestCodexHome } from "../../support/codex-home.js";
import { schemaProblemsInCapture } from "../../support/codex-schema.js";
import { type ModelScript, startFakeModelServer } from "../../support/fake-model-server.js";
import { pidAlive, until } from "../../support/until.js";

// Full turns through the real pinned `codex app-server` against a loopback fake model.

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const turnInput = {
  issue: { id: "issue-1" } as never,
  turn: 1,
  maxTurns: 3,
  signal: new AbortController().signal,
};

async function setup(script: ModelScript, codex: Record<string, unknown> = {}, extraFlags = "") {
  const dirs = tempRoot();
  const model = await startFakeModelServer(script);
  const home = createTestCodexHome(model.baseUrl);
  cleanups.push(dirs.cleanup, home.cleanup, () => model.close());
  const capture = join(dirs.root, "sent.ndjson");
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: dirs.home,
    CODEX_HOME: home.path,
    RUST_LOG: "warn",
  };
  const opened = await openSession({
    codex: { command: `tee -a ${capture} | ${codexCommand(extraFlags)}`, ...codex },
    workspace: dirs.workspace,
    env,
  });
  if (!opened.result.ok) throw new Error(`session failed: ${opened.result.error.message}`);
  const session: AgentSession = opened.result.value;
  cleanups.push(() => session.stop());
  return { dirs, model, session, events: opened.events, capture };
}

describe("codex backend against the real codex app-server", () => {
  it("17.5: session startup follows the protocol and thread/turn ids are extracted into session_started", async () => {
    const { session, events, model } = await setup(() => ({ kind: "text", text: "All done." }));
    const result = await session.runTurn("Fix SYM-1", turnInput);
    expect(result).toEqual({ ok: true, value: undefined });
    const started = ofType(events, "session_started");
    expect(started).toHaveLength(1);
    expect(started[0]?.sessionId).toBe(`${started[0]?.threadId}-${started[0]?.turnId}`);
    expect(started[0]?.pid).toMatch(/^\d+$/);
    expect(ofType(events, "turn_completed")[0]?.message).toBe("All done.");
    expect(model.requests[0]?.lastUserText).toBe("Fix SYM-1");
  });

  it("17.5: client identity and every message the client sends conform to the pinned schema", async () => {
    const { session, capture, model } = await setup(() => ({ kind: "text", text: "ok" }));
    expect((await session.runTurn("hello", turnInput)).ok).toBe(true);
    await session.stop();
    const { count, problems } = schemaProblemsInCapture(readFileSync(capture, "utf8"));
    expect(problems).toEqual([]);
    expect(count).toBeGreaterThanOrEqual(5); // initialize, initialized, thread/start, thread/name/set, turn/start
    expect(model.requests[0]?.headers.originator).toBe("symphony");
  });

  it("17.5: continuation turns reuse the live thread, and token totals are absolute thread totals", async () => {
    const { session, events, model } = await setup(() => ({
      kind: "text",
      text: "ok",
      usage: { input: 300, output: 50 },
    }));
    expect((await session.runTurn("first", turnInput)).ok).toBe(true);
    expect((await session.runTurn("continue", { ...turnInput, turn: 2 })).ok).toBe(true);
    const started = ofType(events, "session_started");
    expect(started).toHaveLength(2);
    expect(started[1]?.threadId).toBe(started[0]?.threadId);
    expect(started[1]?.turnId).not.toBe(started[0]?.turnId);
    const last = ofType(events, "token_usage").at(-1)?.totals;
    expect(last).toEqual({
      inputTokens: model.reported.input,
      outputTokens: model.reported.output,
      totalTokens: model.reported.total,
    });
    expect(model.reported.total).toBe(700);
  });

  it("17.5: under approval_policy never a shell command the model asks for runs without a prompt and changes the workspace", async () => {
    const { session, events, dirs, model } = await setup(
      (req) =>
        req.afterToolCall
          ? { kind: "text", text: "created" }
          : {
              kind: "function_call",
              name: "exec_command",
              args: { cmd: "echo hi > made-by-codex.txt" },
            },
      { approvalPolicy: "never" },
    );
    expect((await session.runTurn("make the file", turnInput)).ok).toBe(true);
    expect(readFileSync(join(dirs.workspace, "made-by-codex.txt"), "utf8")).toBe("hi\n");
    expect(ofType(events, "turn_completed")).toHaveLength(1);
    expect(ofType(events, "input_required")).toEqual([]);
    expect(String(model.requests[1]?.lastToolOutput)).toContain("exited with code 0");
  });

  it("17.5: under a non-never policy a command approval request ends the attempt as blocked, answered not left hanging", async () => {
    const { session, events, dirs, capture } = await setup(
      (req) =>
        req.afterToolCall
          ? { kind: "text", text: "never reached" }
          : {
              kind: "function_call",
              name: "exec_command",
              args: {
                cmd: "touch escalated.txt",
                sandbox_permissions: "require_escalated",
                justification: "need it",
              },
            },
      { approvalPolicy: "on-request" },
    );
    const result = await session.runTurn("escalate", turnInput);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.category).toBe("approval_required");
    expect(result.error.question).toContain("touch escalated.txt");
    expect(ofType(events, "input_required")[0]?.kind).toBe("approval");
    expect(existsSync(join(dirs.workspace, "escalated.txt"))).toBe(false);
    const sent = readFileSync(capture, "utf8");
    expect(sent).toContain('"id":0,"result":{"decision":"cancel"}');
    expect(sent).toContain('"method":"turn/interrupt"');
  });

  it("17.5: the Elixir default reject map is translated to granular; codex then refuses escalation without asking", async () => {
    const { session, events, dirs, model, capture } = await setup(
      (req) =>
        req.afterToolCall
          ? { kind: "text", text: "understood" }
          : {
              kind: "function_call",
              name: "exec_command",
              args: {
                cmd: "touch escalated.txt",
                sandbox_permissions: "require_escalated",
                justification: "x",
              },
            },
      { approvalPolicy: { reject: { sandbox_approval: true, rules: true, mcp_elicitations: true } } },
    );
    expect((await session.runTurn("escalate", turnInput)).ok).toBe(true);
    expect(ofType(events, "input_required")).toEqual([]);
    expect(existsSync(join(dirs.workspace, "escalated.txt"))).toBe(false);
    expect(String(model.requests[1]?.lastToolOutput)).toMatch(/sandbox_approval: false/);
    expect(readFileSync(capture, "utf8")).toContain(
      '"approvalPolicy":{"granular":{"sandbox_approval":false,"rules":false,"mcp_elicitations":false}}',
    );
  });

  it("17.5: dynamic tools are advertised at thread/start and executed host-side on item/tool/call", async () => {
    const tools = recordingTools(
      [
        {
          name: "linear_graphql",
          description: "Run a GraphQL query against Linear.",
          inputSchema: { type: "object", properties: { query: { type: "string" } }, required: ["query"] },
        },
      ],
      () => ({ success: true, output: { data: { viewer: { id: "u1" } } } }),
    );
    const dirs = tempRoot();
    const model = await startFakeModelServer((req) =>
      req.afterToolCall
        ? { kind: "text", text: `tool said ${String(req.lastToolOutput)}` }
        : { kind: "function_call", name: "linear_graphql", args: { query: "query { viewer { id } }" } },
    );
    const home = createTestCodexHome(model.baseUrl);
    cleanups.push(dirs.cleanup, home.cleanup, () => model.close());
    const opened = await openSession({
      codex: { command: codexCommand() },
      workspace: dirs.workspace,
      env: { PATH: process.env.PATH ?? "", HOME: dirs.home, CODEX_HOME: home.path },
      tools,
    });
    if (!opened.result.ok) throw new Error(opened.result.error.message);
    const session = opened.result.value;
    cleanups.push(() => session.stop());
    expect((await session.runTurn("query linear", turnInput)).ok).toBe(true);
    const advertised = ((model.requests[0]?.body.tools ?? []) as { name?: string }[]).map((t) => t.name);
    expect(advertised).toContain("linear_graphql");
    expect(tools.calls).toEqual([{ name: "linear_graphql", args: { query: "query { viewer { id } }" } }]);
    expect(model.requests[1]?.lastToolOutput).toBe('{"data":{"viewer":{"id":"u1"}}}');
    expect(ofType(opened.events, "tool_call")[0]).toMatchObject({ tool: "linear_graphql", ok: true });
  });

  it("17.5: user input requests end the attempt as blocked with the question recorded", async () => {
    const { session, events } = await setup(
      (req) =>
        req.afterToolCall
          ? { kind: "text", text: "never reached" }
          : {
              kind: "function_call",
              name: "request_user_input",
              args: {
                questions: [
                  {
                    id: "db",
                    header: "DB",
                    question: "Which database?",
                    options: [
                      { label: "Postgres", description: "relational" },
                      { label: "SQLite", description: "file" },
                    ],
                  },
                ],
              },
            },
      { approvalPolicy: "never" },
      "--enable default_mode_request_user_input",
    );
    const result = await session.runTurn("ask me", turnInput);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.category).toBe("input_required");
    expect(result.error.question).toContain("Which database?");
    expect(ofType(events, "input_required")[0]).toMatchObject({ kind: "user_input" });
  });

  it("17.5: cancellation sends turn/interrupt, then the process group is killed and no pid survives", async () => {
    const controller = new AbortController();
    const dirs = tempRoot();
    const model = await startFakeModelServer(() => ({ kind: "hang" }));
    const home = createTestCodexHome(model.baseUrl);
    cleanups.push(dirs.cleanup, home.cleanup, () => model.close());
    const capture = join(dirs.root, "sent.ndjson");
    const opened = await openSession({
      codex: { command: `tee -a ${capture} | ${codexCommand()}` },
      workspace: dirs.workspace,
      env: { PATH: process.env.PATH ?? "", HOME: dirs.home, CODEX_HOME: home.path },
      signal: controller.signal,
    });
    if (!opened.result.ok) throw new Error(opened.result.error.message);
    const live = opened.result.value;
    cleanups.push(() => live.stop());
    const running = opened.result.value.runTurn("slow", turnInput);
    await until(() => model.requests.length === 1, 10_000);
    const pid = Number(ofType(opened.events, "session_started")[0]?.pid);
    controller.abort();
    const result = await running;
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.category).toBe("turn_cancelled");
    await opened.result.value.stop();
    expect(readFileSync(capture, "utf8")).toContain('"method":"turn/interrupt"');
    expect(pidAlive(pid)).toBe(false);
  });

  it("the runner's turn timeout ends a turn while the model stalls, and codex is told turn/interrupt", async () => {
    const { session, events, capture } = await setup(() => ({ kind: "hang" }));
    const timeout = clockTimeout(systemClock, 1_500);
    const result = await session.runTurn("slow", { ...turnInput, signal: timeout.signal });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.category).toBe("turn_timeout");
    expect(ofType(events, "turn_failed")[0]?.reason).toBe("turn_timeout");
    expect(readFileSync(capture, "utf8")).toContain('"method":"turn/interrupt"');
  });

  it("17.5: model HTTP 500 fails the turn as model_server_error and the thread stays usable", async () => {
    const { session } = await setup((_req, i) =>
      i === 0 ? { kind: "http_error", status: 500 } : { kind: "text", text: "recovered" },
    );
    const first = await session.runTurn("boom", turnInput);
    expect(first.ok).toBe(false);
    if (!first.ok) expect(first.error.category).toBe("model_server_error");
    expect((await session.runTurn("again", { ...turnInput, turn: 2 })).ok).toBe(true);
  });

  it("17.5: model HTTP 429 fails the turn as model_rate_limited", async () => {
    const { session, events } = await setup(() => ({
      kind: "http_error",
      status: 429,
      headers: { "retry-after": "1" },
    }));
    const result = await session.runTurn("limited", turnInput);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.category).toBe("model_rate_limited");
    expect(ofType(events, "turn_failed")[0]?.reason).toBe("model_rate_limited");
  });
});
