import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentSession } from "../../../src/agent/backend.js";
import { commandBackend, promptFedCommand } from "../../../src/agent/command/backend.js";
import type { AgentEvent } from "../../../src/domain/agent-event.js";
import { silentLogger } from "../../../src/domain/logger.js";
import { createLocalHost } from "../../../src/hosts/local.js";
import { bindTools, type TrackerAdapter } from "../../../src/tracker/adapter.js";
import { LocalTracker } from "../../../src/tracker/local/adapter.js";
import { MemoryTracker } from "../../../src/tracker/memory/adapter.js";
import { clockTimeout, systemClock } from "../../../src/util/clock.js";
import { makeIssue } from "../../support/orchestrator/fixtures.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { pidAlive, until } from "../../support/until.js";

let dir: { path: string; cleanup: () => Promise<void> };
let ws: string;
let sessions: AgentSession[] = [];
beforeEach(async () => {
  dir = await makeTempDir("symphony-cmd-");
  ws = join(dir.path, "ws");
  await mkdir(ws);
  await mkdir(join(dir.path, "home"));
});
afterEach(async () => {
  for (const s of sessions) await s.stop();
  sessions = [];
  await dir.cleanup();
});

const issue = makeIssue({ identifier: "CMD-1" });

async function start(
  run: string,
  signal = new AbortController().signal,
  tracker: TrackerAdapter = new MemoryTracker(),
) {
  const events: AgentEvent[] = [];
  const backend = commandBackend({ run });
  const result = await backend.startSession({
    host: createLocalHost({ killGraceMs: 300 }),
    workspacePath: ws,
    issue,
    tools: bindTools(tracker),
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: join(dir.path, "home"),
      SYMPHONY_ISSUE_IDENTIFIER: "CMD-1",
    },
    onEvent: (e) => events.push(e),
    signal,
    logger: silentLogger,
  });
  if (!result.ok) throw new Error(result.error.message);
  sessions.push(result.value);
  return { session: result.value, events };
}

/** Turn input; `signal` is the runner's turn signal (its cancellation or turn timeout). */
const input = (turn: number, signal = new AbortController().signal) => ({ issue, turn, maxTurns: 3, signal });

describe("command backend", () => {
  it("runs the command with the prompt on stdin, cwd = workspace, issue env; output lines become events", async () => {
    const script = join(dir.path, "agent.sh");
    await writeFile(
      script,
      'read -r line; echo "got: $line"; echo "$SYMPHONY_ISSUE_IDENTIFIER turn $SYMPHONY_TURN" > out.txt; pwd >> out.txt; echo oops >&2\n',
    );
    const { session, events } = await start(`bash ${script}`);
    const result = await session.runTurn("hello agent\n", input(1));
    expect(result).toEqual({ ok: true, value: undefined });
    expect(await readFile(join(ws, "out.txt"), "utf8")).toBe(`CMD-1 turn 1\n${ws}\n`);
    expect(events.map((e) => e.type)).toEqual(["session_started", "output", "output", "turn_completed"]);
    expect(events).toContainEqual(
      expect.objectContaining({ type: "output", stream: "stdout", line: "got: hello agent" }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({ type: "output", stream: "stderr", line: "oops" }),
    );
  });

  it("a non-zero exit is a failed turn", async () => {
    const { session, events } = await start("echo partial; exit 4");
    const result = await session.runTurn("x", input(1));
    expect(result).toMatchObject({
      ok: false,
      error: { category: "process_exit", message: "command exited with 4" },
    });
    expect(events.at(-1)).toMatchObject({ type: "turn_failed", reason: "process_exit" });
  });

  it("a command that dies at start (not found) fails the turn with a clear message", async () => {
    const { session } = await start("definitely-not-a-command-xyz");
    const result = await session.runTurn("x", input(1));
    expect(result).toMatchObject({
      ok: false,
      error: {
        category: "agent_not_found",
        message: 'command.run "definitely-not-a-command-xyz" exited 127 (a program it runs was not found)',
      },
    });
  });

  it("a command that dies mid-turn (killed by a signal) fails the turn and leaves no child", async () => {
    const { session, events } = await start("echo working; sleep 60 & echo $! > bg.pid; kill -9 $$");
    const result = await session.runTurn("x", input(1));
    expect(result).toMatchObject({
      ok: false,
      error: { category: "process_exit", message: "command exited with signal SIGKILL" },
    });
    expect(events).toContainEqual(expect.objectContaining({ type: "output", line: "working" }));
    const pid = Number((await readFile(join(ws, "bg.pid"), "utf8")).trim());
    await until(() => !pidAlive(pid), 5_000, "orphaned child to be swept");
  });

  it("a command that never answers is killed (whole group) when the runner's turn timeout fires", async () => {
    const { session, events } = await start("sleep 60 & echo $! > bg.pid; sleep 60");
    const timeout = clockTimeout(systemClock, 500);
    const result = await session.runTurn("x", input(1, timeout.signal));
    expect(result).toMatchObject({ ok: false, error: { category: "turn_timeout" } });
    expect(events).toContainEqual(expect.objectContaining({ type: "turn_failed", reason: "turn_timeout" }));
    const pid = Number((await readFile(join(ws, "bg.pid"), "utf8")).trim());
    const leader = Number((events[0] as { pid: string | null }).pid);
    await until(() => !pidAlive(pid) && !pidAlive(leader), 5_000, "process group to die");
  });

  it("aborting the run signal mid-turn cancels the turn and kills the process group", async () => {
    const controller = new AbortController();
    const { session } = await start("echo started; sleep 60 & echo $! > bg.pid; wait", controller.signal);
    const pending = session.runTurn("x", input(1));
    await until(
      async () => (await readFile(join(ws, "bg.pid"), "utf8").catch(() => "")) !== "",
      5_000,
      "bg pid",
    );
    controller.abort("shutdown");
    expect(await pending).toMatchObject({ ok: false, error: { category: "turn_cancelled" } });
    const pid = Number((await readFile(join(ws, "bg.pid"), "utf8")).trim());
    await until(() => !pidAlive(pid), 5_000, "background child to die");
  });

  it("a SYMPHONY_INPUT_REQUIRED line ends the turn as input_required with the question", async () => {
    const { session, events } = await start('echo "SYMPHONY_INPUT_REQUIRED: Which API version?"; exit 0');
    const result = await session.runTurn("x", input(1));
    expect(result).toMatchObject({
      ok: false,
      error: { category: "input_required", question: "Which API version?" },
    });
    expect(events).toContainEqual(
      expect.objectContaining({ type: "input_required", question: "Which API version?" }),
    );
  });

  it("each turn is a new process reported as a new session id on the same thread", async () => {
    const { session, events } = await start("cat > /dev/null");
    await session.runTurn("one", input(1));
    await session.runTurn("two", input(2));
    const started = events.filter((e) => e.type === "session_started") as {
      sessionId: string;
      threadId: string;
    }[];
    expect(started).toHaveLength(2);
    expect(started[0]?.threadId).toBe(started[1]?.threadId);
    expect(started[0]?.sessionId).not.toBe(started[1]?.sessionId);
  });

  it("a SYMPHONY_TOOL line calls the tracker tool for the worked issue (local update_issue)", async () => {
    const issues = join(dir.path, "issues");
    await mkdir(issues);
    await writeFile(join(issues, "CMD-1.md"), "---\ntitle: t\nstate: Todo\n---\n");
    const tracker = new LocalTracker(issues, ["Done"], silentLogger);
    const line =
      'SYMPHONY_TOOL: {"name":"update_issue","arguments":{"state":"Human Review","comment":"done"}}';
    const { session, events } = await start(`echo '${line}'`, new AbortController().signal, tracker);
    expect(
      (await session.runTurn("x", { ...input(1), issue: { ...issue, id: "CMD-1" }, maxTurns: 1 })).ok,
    ).toBe(true);
    expect(await readFile(join(issues, "CMD-1.md"), "utf8")).toContain("state: Human Review");
    expect(events).toContainEqual(
      expect.objectContaining({ type: "tool_call", tool: "update_issue", ok: true }),
    );
    const bad = await start("echo 'SYMPHONY_TOOL: not json'");
    await bad.session.runTurn("x", input(1));
    expect(bad.events).toContainEqual(expect.objectContaining({ type: "tool_call", ok: false }));
  });

  it("a missing command.run refuses to start a session", async () => {
    const result = await commandBackend({ run: null }).startSession({
      host: createLocalHost(),
      workspacePath: ws,
      issue,
      tools: bindTools(new MemoryTracker()),
      env: {},
      onEvent: () => {},
      signal: new AbortController().signal,
      logger: silentLogger,
    });
    expect(result).toMatchObject({ ok: false, error: { category: "agent_not_found" } });
  });

  it("A: the prompt-by-length wrapper (used over ssh) gives the command the whole prompt and then end-of-file while stdin stays open", async () => {
    const prompt = "line one\nüñï €\n'quotes' $VAR `tick`\n";
    const proc = createLocalHost({ killGraceMs: 300 }).spawn(
      promptFedCommand("cat > got.txt; echo done", prompt),
      {
        cwd: ws,
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: join(dir.path, "home") },
      },
    );
    proc.stdin.write(prompt); // no end(): over ssh that would stop the command
    let out = "";
    proc.stdout.on("data", (b: Buffer) => {
      out += b.toString();
    });
    expect((await proc.exited).code).toBe(0);
    expect(await readFile(join(ws, "got.txt"), "utf8")).toBe(prompt);
    expect(out).toBe("done\n");
    proc.stdin.destroy();
  });
});

describe("command backend and hostile output", () => {
  it("a 200 MB line without a newline is one malformed event; memory stays bounded and later lines still arrive", async () => {
    const { session, events } = await start(
      "head -c 200000000 /dev/zero | tr '\\0' a; printf '\\nafter the flood\\n'",
    );
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    try {
      const result = await session.runTurn("go", input(1));
      expect(result.ok).toBe(true);
    } finally {
      clearInterval(sampler);
    }
    // the line itself would be 200 MB (400 MB as a JS string); allow generous slack for the test runner
    expect(peak - before).toBeLessThan(100 * 1024 * 1024);
    const malformed = events.filter((e) => e.type === "malformed");
    expect(malformed).toHaveLength(1);
    expect(malformed[0]).toMatchObject({ reason: expect.stringContaining("200000000 bytes") });
    expect(events).toContainEqual(
      expect.objectContaining({ type: "output", stream: "stdout", line: "after the flood" }),
    );
  }, 60_000);
});
