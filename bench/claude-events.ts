/**
 * bench/claude-events: throughput of the claude event pipeline — Claude Code stream-json bytes on stdout →
 * line framing → JSON.parse → stream message → AgentEvent mapping (tool summaries, token totals) →
 * orchestrator-like accounting — against bare `JSON.parse` of the same lines, in the same run. The session is
 * the real ClaudeSession over in-memory pipes. Last line: `claude-events: <pipeline/bare ratio>`.
 */
import { PassThrough } from "node:stream";
import { createClaudeBackend } from "../src/agent/claude/index.js";
import { defaultClaudeConfig } from "../src/agent/claude/settings.js";
import type { AgentEvent } from "../src/domain/agent-event.js";
import { silentLogger } from "../src/domain/logger.js";
import { ok } from "../src/domain/result.js";
import type { Host, HostProcess } from "../src/hosts/host.js";

const CYCLES = Number(process.env.EVENTS_CYCLES ?? 20_000);
const ROUNDS = 5;
const SESSION = "0b7c2f3e-5d1a-4c59-9a57-1f0e2d3c4b5a";

/** One realistic turn: per cycle a tool call, its result, and a short message, as Claude Code writes them. */
function buildLines(): string[] {
  const usage = {
    input_tokens: 3,
    cache_creation_input_tokens: 420,
    cache_read_input_tokens: 18_000,
    output_tokens: 1,
  };
  const base = { parent_tool_use_id: null, session_id: SESSION };
  const lines = [
    JSON.stringify({
      type: "system",
      subtype: "init",
      cwd: "/w",
      session_id: SESSION,
      tools: ["Bash", "Edit", "Read"],
      model: "claude-sonnet-4-5",
      permissionMode: "acceptEdits",
    }),
  ];
  for (let c = 0; c < CYCLES; c++) {
    const id = `toolu_${c.toString(36).padStart(8, "0")}`;
    lines.push(
      JSON.stringify({
        type: "assistant",
        message: {
          id: `msg_${c}`,
          type: "message",
          role: "assistant",
          model: "claude-sonnet-4-5",
          content: [
            {
              type: "tool_use",
              id,
              name: "Bash",
              input: { command: "npm test -- --run src/a.test.ts", description: "Run the tests" },
            },
          ],
          stop_reason: null,
          usage,
        },
        ...base,
        uuid: `u-${c}-a`,
      }),
      JSON.stringify({
        type: "user",
        message: {
          role: "user",
          content: [
            {
              tool_use_id: id,
              type: "tool_result",
              content: "✓ src/a.test.ts (12 tests) 41ms\n".repeat(4),
              is_error: false,
            },
          ],
        },
        ...base,
        uuid: `u-${c}-u`,
        tool_use_result: { stdout: "ok", stderr: "", interrupted: false, isImage: false },
      }),
      JSON.stringify({
        type: "assistant",
        message: {
          id: `msg_${c}b`,
          type: "message",
          role: "assistant",
          model: "claude-sonnet-4-5",
          content: [{ type: "text", text: `The tests pass after change ${c}; moving on to the next file.` }],
          stop_reason: null,
          usage,
        },
        ...base,
        uuid: `u-${c}-t`,
      }),
    );
  }
  return lines;
}

const lines = buildLines();
const resultLine = JSON.stringify({
  type: "result",
  subtype: "success",
  is_error: false,
  result: "done",
  session_id: SESSION,
  total_cost_usd: 1.25,
  modelUsage: {
    "claude-sonnet-4-5": {
      inputTokens: 9_000,
      outputTokens: 4_000,
      cacheReadInputTokens: 900_000,
      cacheCreationInputTokens: 20_000,
    },
  },
  permission_denials: [],
});
const payload = Buffer.from(`${lines.join("\n")}\n${resultLine}\n`);

/** An in-memory Claude Code: answers `initialize`, then streams the payload for the first user message. */
function memoryHost(): Host {
  return {
    name: "memory",
    localFilesystem: false,
    closableStdin: true,
    listDirs: async () => ok(new Set()),
    dirExists: async () => ok(true),
    realPath: async (p) => ok(p),
    failureOf: () => null,
    ensureDir: async (p) => ({ created: false, realPath: p }),
    remove: async () => {},
    runScript: async () => ({
      exitCode: 0,
      signal: null,
      timedOut: false,
      aborted: false,
      output: "",
      truncated: false,
    }),
    spawn(): HostProcess {
      const stdin = new PassThrough();
      const stdout = new PassThrough({ highWaterMark: 1 << 20 });
      const stderr = new PassThrough();
      let exit: (v: { code: number | null; signal: string | null }) => void = () => {};
      const exited = new Promise<{ code: number | null; signal: string | null }>((r) => {
        exit = r;
      });
      let buffered = "";
      stdin.on("data", (chunk: Buffer) => {
        buffered += chunk.toString();
        let nl = buffered.indexOf("\n");
        while (nl !== -1) {
          const msg = JSON.parse(buffered.slice(0, nl)) as { type: string; request_id?: string };
          buffered = buffered.slice(nl + 1);
          nl = buffered.indexOf("\n");
          if (msg.type === "control_request") {
            stdout.write(
              `${JSON.stringify({ type: "control_response", response: { subtype: "success", request_id: msg.request_id, response: {} } })}\n`,
            );
          } else if (msg.type === "user") {
            for (let i = 0; i < payload.length; i += 65_536) stdout.write(payload.subarray(i, i + 65_536));
          }
        }
      });
      stdin.on("finish", () => {
        stdout.end();
        exit({ code: 0, signal: null });
      });
      return {
        pid: 1,
        stdin,
        stdout,
        stderr,
        exited,
        kill: async () => exit({ code: null, signal: "SIGTERM" }),
      };
    },
  };
}

/** Orchestrator-like accounting of one running row (as in bench/events.ts). */
function accountant() {
  const row = { lastEvent: "", lastMessage: "", total: 0, seen: 0, timeline: new Array<string>(50), next: 0 };
  return {
    row,
    onEvent(e: AgentEvent): void {
      row.lastEvent = e.type;
      if (e.type === "token_usage") {
        row.total += Math.max(e.totals.totalTokens - row.seen, 0);
        row.seen = Math.max(row.seen, e.totals.totalTokens);
        return;
      }
      row.lastMessage = e.type === "notification" || e.type === "tool_call" ? e.summary : e.type;
      row.timeline[row.next] = row.lastMessage;
      row.next = (row.next + 1) % row.timeline.length;
    },
  };
}

const backend = createClaudeBackend({ ...defaultClaudeConfig(), home: "inherit" }, { logger: silentLogger });

async function pipelineOnce(): Promise<{ ms: number; tokens: number }> {
  const acc = accountant();
  const started = await backend.startSession({
    host: memoryHost(),
    workspacePath: "/w",
    issue: { id: "i", identifier: "SYM-1", title: "t" } as never,
    tools: { specs: [], execute: async () => ({ success: false, output: null }) },
    env: {},
    onEvent: (e) => acc.onEvent(e),
    signal: new AbortController().signal,
    logger: silentLogger,
  });
  if (!started.ok) throw new Error(started.error.message);
  const t0 = performance.now();
  const result = await started.value.runTurn("go", {
    issue: {} as never,
    turn: 1,
    maxTurns: 1,
    signal: new AbortController().signal,
  });
  const ms = performance.now() - t0;
  if (!result.ok) throw new Error(result.error.message);
  await started.value.stop();
  return { ms, tokens: acc.row.total };
}

function bareOnce(): number {
  const t0 = performance.now();
  let sink = 0;
  for (const line of lines) sink += (JSON.parse(line) as { type: string }).type.length;
  const ms = performance.now() - t0;
  if (sink === 0) throw new Error("unreachable");
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
await pipelineOnce(); // warm-up
bareOnce();
const pipe: number[] = [];
const bare: number[] = [];
let tokens = 0;
for (let r = 0; r < ROUNDS; r++) {
  const p = await pipelineOnce();
  pipe.push(p.ms);
  tokens = p.tokens;
  bare.push(bareOnce());
}
const pipeMs = median(pipe);
const bareMs = median(bare);
const rate = (ms: number) => Math.round(lines.length / (ms / 1000));
console.log(
  `lines per run: ${lines.length} (${(payload.length / 1e6).toFixed(1)} MB), rounds: ${ROUNDS}, tokens accounted: ${tokens}`,
);
console.log(`bare JSON.parse: ${bareMs.toFixed(1)} ms median, ${rate(bareMs)} lines/s`);
console.log(
  `pipeline (frame → parse → AgentEvent → accounting): ${pipeMs.toFixed(1)} ms median, ${rate(pipeMs)} lines/s`,
);
console.log(`claude-events: ${(bareMs / pipeMs).toFixed(2)}`);
