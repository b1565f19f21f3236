/**
 * bench/events: throughput of the codex event pipeline — NDJSON bytes on the app-server's stdout → line
 * framing → JSON.parse → JSON-RPC classification → AgentEvent mapping (humanised summaries, token totals) →
 * orchestrator-like accounting (token deltas, last event, bounded timeline) — against bare `JSON.parse` of
 * the same lines, in the same run. The session is the real CodexSession over in-memory pipes.
 * Last line: `events: <pipeline/bare ratio>`.
 */

import { PassThrough } from "node:stream";
import { createCodexBackend } from "../src/agent/codex/index.js";
import type { CodexConfig } from "../src/agent/codex/settings.js";
import type { ServiceConfig } from "../src/config/types.js";
import type { AgentEvent } from "../src/domain/agent-event.js";
import { silentLogger } from "../src/domain/logger.js";
import { ok } from "../src/domain/result.js";
import type { Host, HostProcess } from "../src/hosts/host.js";

const CYCLES = Number(process.env.EVENTS_CYCLES ?? 8_000);
const ROUNDS = 5;

function buildLines(turnId: string): string[] {
  const lines: string[] = [];
  const n = (method: string, params: unknown) =>
    JSON.stringify({ method, params, emittedAtMs: 1_795_000_000_000 });
  let total = 0;
  for (let c = 0; c < CYCLES; c++) {
    const item = {
      type: "commandExecution",
      id: `call_${c}`,
      command: "/bin/bash -lc 'npm test'",
      cwd: "/w",
      status: "inProgress",
    };
    lines.push(n("item/started", { threadId: "t", turnId, item }));
    for (let i = 0; i < 5; i++)
      lines.push(
        n("item/commandExecution/outputDelta", {
          threadId: "t",
          turnId,
          itemId: item.id,
          delta: `test ${i} passed in 12ms\n`,
        }),
      );
    lines.push(
      n("item/completed", {
        threadId: "t",
        turnId,
        item: { ...item, status: "completed", exitCode: 0, aggregatedOutput: "ok\n".repeat(20) },
      }),
    );
    for (let i = 0; i < 12; i++)
      lines.push(
        n("item/agentMessage/delta", { threadId: "t", turnId, itemId: `msg_${c}`, delta: `word${i} ` }),
      );
    total += 150;
    lines.push(
      n("thread/tokenUsage/updated", {
        threadId: "t",
        turnId,
        tokenUsage: {
          total: { inputTokens: total - 30, outputTokens: 30, totalTokens: total, cachedInputTokens: 0 },
          last: { inputTokens: 120, outputTokens: 30, totalTokens: 150 },
          modelContextWindow: 258_400,
        },
      }),
    );
  }
  return lines;
}

/** Orchestrator-like accounting of one running row. */
function accountant() {
  const row = {
    lastEvent: "",
    lastMessage: "",
    lastAt: 0,
    input: 0,
    output: 0,
    total: 0,
    timeline: new Array<string>(50),
    next: 0,
  };
  const seen = { input: 0, output: 0, total: 0 };
  return {
    row,
    onEvent(e: AgentEvent): void {
      row.lastEvent = e.type;
      row.lastAt = e.at;
      if (e.type === "token_usage") {
        row.input += Math.max(e.totals.inputTokens - seen.input, 0);
        row.output += Math.max(e.totals.outputTokens - seen.output, 0);
        row.total += Math.max(e.totals.totalTokens - seen.total, 0);
        seen.input = Math.max(seen.input, e.totals.inputTokens);
        seen.output = Math.max(seen.output, e.totals.outputTokens);
        seen.total = Math.max(seen.total, e.totals.totalTokens);
        return;
      }
      row.lastMessage = e.type === "notification" ? e.summary : e.type;
      row.timeline[row.next] = row.lastMessage; // bounded ring, as a running row keeps it
      row.next = (row.next + 1) % row.timeline.length;
    },
  };
}

/** An in-memory app-server: answers the handshake, then streams `lines` on the first turn/start. */
function memoryHost(payload: Buffer): Host {
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
          const msg = JSON.parse(buffered.slice(0, nl)) as {
            id?: number;
            method?: string;
            params?: { turnId?: string };
          };
          buffered = buffered.slice(nl + 1);
          nl = buffered.indexOf("\n");
          const reply = (result: unknown) => stdout.write(`${JSON.stringify({ id: msg.id, result })}\n`);
          if (msg.method === "initialize") reply({});
          else if (msg.method === "thread/start") reply({ thread: { id: "t" } });
          else if (msg.method === "thread/name/set") reply({});
          else if (msg.method === "turn/start") {
            reply({ turn: { id: "turn-1" } });
            // pipe-sized chunks, as the kernel would deliver them
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

const codex: CodexConfig = {
  command: "codex app-server",
  approvalPolicy: "never",
  threadSandbox: "workspace-write",
  envPassthrough: [],
  turnSandboxPolicy: null,
  turnTimeoutMs: 600_000,
  readTimeoutMs: 60_000,
  stallTimeoutMs: 0,
  home: "inherit",
};
const backend = createCodexBackend({ codex } as ServiceConfig, { logger: silentLogger });
const lines = buildLines("turn-1");
const payload = Buffer.from(
  `${lines.join("\n")}\n${JSON.stringify({ method: "turn/completed", params: { threadId: "t", turn: { id: "turn-1", status: "completed", items: [] } } })}\n`,
);
const bytes = payload.length;

async function pipelineOnce(): Promise<{ ms: number; tokens: number }> {
  const acc = accountant();
  const started = await backend.startSession({
    host: memoryHost(payload),
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
  for (const line of lines) sink += (JSON.parse(line) as { method: string }).method.length;
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
  `lines per run: ${lines.length} (${(bytes / 1e6).toFixed(1)} MB), rounds: ${ROUNDS}, tokens accounted: ${tokens}`,
);
console.log(`bare JSON.parse: ${bareMs.toFixed(1)} ms median, ${rate(bareMs)} lines/s`);
console.log(
  `pipeline (frame → parse → AgentEvent → accounting): ${pipeMs.toFixed(1)} ms median, ${rate(pipeMs)} lines/s`,
);
console.log(`events: ${(bareMs / pipeMs).toFixed(2)}`);
