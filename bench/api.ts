/**
 * bench/api: `GET /api/v1/state` with 100 running and 1,000 retrying entries under 50 concurrent
 * keep-alive clients on loopback, against the same stack (hono + @hono/node-server) returning a
 * constant JSON body of the same size, in the same run; then SSE fan-out: 100 connected clients,
 * time from a state change to the last client receiving it.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { cpus, loadavg } from "node:os";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { createAdaptorServer } from "@hono/node-server";
import { Hono } from "hono";
import type {
  ObserverEvent,
  OrchestratorSnapshot,
  RetryRow,
  RunningRow,
  StatusSource,
} from "../src/domain/snapshot.js";
import { stateJson } from "../src/observability/http/api-shapes.js";
import { describeHttpStartError, startHttpServer } from "../src/observability/http/server.js";

const CONCURRENCY = 50;
const REQUESTS_PER_ROUND = 2_000;
const ROUNDS = 2;
const SSE_CLIENTS = 100;
const SSE_CHANGES = 20;

const now = Date.now();
const running: RunningRow[] = Array.from({ length: 100 }, (_, i) => ({
  issueId: `issue-${i}`,
  identifier: `BEN-${i}`,
  title: `Benchmark issue number ${i} with a realistic title length`,
  url: `https://tracker.example/issues/BEN-${i}`,
  state: "In Progress",
  backend: "codex",
  profile: null,
  host: "local",
  workspacePath: `/srv/workspaces/BEN-${i}`,
  sessionId: `thread-${i}-turn-3`,
  pid: String(10_000 + i),
  attempt: i % 3 === 0 ? 2 : null,
  turnCount: 3,
  startedAt: now - i * 1_000,
  lastEvent: "notification",
  lastMessage: "running the test suite: 412 passed, 0 failed",
  lastEventAt: now - 500,
  tokens: { inputTokens: 120_000 + i, outputTokens: 8_000 + i, totalTokens: 128_000 + 2 * i },
  costUsd: 0,
  runId: `run-${i}`,
  recentEvents: [],
}));
const retrying: RetryRow[] = Array.from({ length: 1_000 }, (_, i) => ({
  issueId: `retry-${i}`,
  identifier: `RET-${i}`,
  url: `https://tracker.example/issues/RET-${i}`,
  attempt: 1 + (i % 5),
  dueAt: now + i * 1_000,
  kind: i % 4 === 0 ? "continuation" : "failure",
  error: i % 4 === 0 ? null : "turn_timeout: no agent output for 300s",
  workspacePath: `/srv/workspaces/RET-${i}`,
}));
let snapshot: OrchestratorSnapshot = {
  generatedAt: now,
  running,
  retrying,
  blocked: [],
  skipped: [],
  totals: {
    inputTokens: 1,
    outputTokens: 1,
    totalTokens: 2,
    costUsd: 0,
    secondsRunning: 3,
    runsStarted: 4,
    runsSucceeded: 3,
    runsFailed: 1,
  },
  rateLimits: null,
  trackerRateLimits: null,
  polling: { intervalMs: 30_000, checking: false, lastTickAt: now, nextTickAt: now + 30_000 },
  limits: { maxConcurrentAgents: 100 },
  circuits: [],
  workflow: { path: "/srv/WORKFLOW.md", trackerKind: "linear", backend: "codex", lastError: null },
};
const listeners = new Set<(e: ObserverEvent) => void>();
const source: StatusSource = {
  snapshot: () => snapshot,
  subscribe: (l) => {
    listeners.add(l);
    return () => listeners.delete(l);
  },
  requestRefresh: () => ({ coalesced: false }),
};

// Cost of one uncached build (snapshot → API shape → JSON text) for this state.
const buildStart = performance.now();
for (let i = 0; i < 50; i++) JSON.stringify(stateJson(snapshot));
const buildMs = (performance.now() - buildStart) / 50;
process.stdout.write(`state body build (uncached): ${buildMs.toFixed(2)} ms per build\n`);

// The baseline: same framework and adapter, a precomputed body of the same size.
const constantBody = JSON.stringify(stateJson(snapshot));
const constantGzip = new Uint8Array(gzipSync(constantBody, { level: 6 }));
const baselineApp = new Hono();
baselineApp.get("/api/v1/state", (c) =>
  /gzip/.test(c.req.header("accept-encoding") ?? "")
    ? c.body(constantGzip, 200, { "content-type": "application/json", "content-encoding": "gzip" })
    : c.body(constantBody, 200, { "content-type": "application/json" }),
);
const baseline = createAdaptorServer({ fetch: baselineApp.fetch, hostname: "127.0.0.1" });
await new Promise<void>((resolve) => baseline.listen(0, "127.0.0.1", resolve));
const baselinePort = (baseline.address() as AddressInfo).port;

const started = await startHttpServer({ source, host: "127.0.0.1", port: 0, authToken: null });
if (!started.ok) throw new Error(describeHttpStartError(started.error));
const server = started.value;

// The load generator runs in its own process (same loader flags as this one, e.g. tsx).
const clientScript = fileURLToPath(new URL("./_api-client.ts", import.meta.url));
function client(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [...process.execArgv, clientScript, ...args], { stdio: "pipe" });
}
type Encoding = "identity" | "gzip";
interface LoadResult {
  latencies: number[];
  bytes: number;
  wire: number;
}
async function load(port: number, total: number, encoding: Encoding): Promise<LoadResult> {
  const child = client(["load", String(port), String(CONCURRENCY), String(total), encoding]);
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    out += d;
  });
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`load client exited with ${code}`);
  return JSON.parse(out) as LoadResult;
}

const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

interface Row {
  readonly s50: number;
  readonly s99: number;
  readonly c50: number;
  readonly c99: number;
}
async function compare(encoding: Encoding): Promise<Row> {
  await load(server.port, 500, encoding); // warm-up both
  await load(baselinePort, 500, encoding);
  const stateLat: number[] = [];
  const constLat: number[] = [];
  let stateRes: LoadResult | null = null;
  let constRes: LoadResult | null = null;
  for (let round = 0; round < ROUNDS; round++) {
    stateRes = await load(server.port, REQUESTS_PER_ROUND, encoding);
    stateLat.push(...stateRes.latencies);
    constRes = await load(baselinePort, REQUESTS_PER_ROUND, encoding);
    constLat.push(...constRes.latencies);
  }
  stateLat.sort((p, q) => p - q);
  constLat.sort((p, q) => p - q);
  const row = {
    s50: pct(stateLat, 50),
    s99: pct(stateLat, 99),
    c50: pct(constLat, 50),
    c99: pct(constLat, 99),
  };
  const size = (r: LoadResult | null) => `${r?.bytes ?? 0} bytes, ${r?.wire ?? 0} on the wire`;
  process.stdout.write(
    `[${encoding}] state endpoint:  p50 ${row.s50.toFixed(2)} ms  p99 ${row.s99.toFixed(2)} ms  (${stateLat.length} requests, ${size(stateRes)}, ${CONCURRENCY} concurrent)\n`,
  );
  process.stdout.write(
    `[${encoding}] constant JSON:   p50 ${row.c50.toFixed(2)} ms  p99 ${row.c99.toFixed(2)} ms  (${constLat.length} requests, ${size(constRes)}, ${CONCURRENCY} concurrent)\n`,
  );
  return row;
}
const identity = await compare("identity");
const gzip = await compare("gzip");

// SSE fan-out: SSE_CLIENTS connected clients in the client process; time from the change to the
// moment the last of them has the new state.
const sse = client(["sse", String(server.port), String(SSE_CLIENTS)]);
const lines = createInterface({ input: sse.stdout });
const pendingLines: string[] = [];
let wake: (() => void) | null = null;
lines.on("line", (line) => {
  pendingLines.push(line);
  wake?.();
});
async function nextLine(): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (pendingLines.length === 0) {
    if (Date.now() > deadline) throw new Error("sse client timed out");
    await new Promise<void>((resolve) => {
      wake = resolve;
      setTimeout(resolve, 100);
    });
  }
  return pendingLines.shift()!;
}
if ((await nextLine()) !== "ready") throw new Error("sse clients did not connect");
const fanout: number[] = [];
for (let change = 1; change <= SSE_CHANGES; change++) {
  const mark = 1000 + change;
  snapshot = { ...snapshot, limits: { maxConcurrentAgents: mark } };
  const t0 = performance.timeOrigin + performance.now();
  for (const l of listeners) l({ type: "snapshot_changed" });
  const line = await nextLine();
  const [word, gotMark, at] = line.split(" ");
  if (word !== "got" || Number(gotMark) !== mark) throw new Error(`unexpected: ${line}`);
  fanout.push(Number(at) - t0);
}
fanout.sort((p, q) => p - q);
process.stdout.write(
  `sse fan-out:     ${SSE_CLIENTS} clients, change → last client: median ${pct(fanout, 50).toFixed(1)} ms, max ${(fanout.at(-1) ?? 0).toFixed(1)} ms (includes the 100 ms batching window)\n`,
);
sse.stdin.end();
await once(sse, "exit");
await server.close();
await new Promise<void>((resolve) => {
  baseline.close(() => resolve());
  (baseline as unknown as { closeAllConnections(): void }).closeAllConnections();
});
process.stdout.write(
  `machine load average (1 min) at the end: ${loadavg()[0]?.toFixed(2)} on ${cpus().length} cores\n`,
);
process.stdout.write(
  `api: p99 ${gzip.s99.toFixed(1)} ms gzip (${(gzip.s99 / gzip.c99).toFixed(2)}x constant), ${identity.s99.toFixed(1)} ms identity (${(identity.s99 / identity.c99).toFixed(2)}x constant)\n`,
);
