/**
 * linear-tick: one candidate poll over 10,000 issues (200 pages of 50) from the loopback fake
 * Linear, through the adapter, against bare `fetch` + `JSON.parse` of the very same pages in the
 * same run. The fake serves repeated request bodies from a cache, so both sides pay the same small
 * server cost and the ratio is the adapter's own overhead (client, paging checks, normalisation).
 * Then: API calls per simulated hour at idle (100 active issues, 30 s poll) made by the real
 * orchestrator service on a manual clock, against the count the spec's tick algorithm (16.2/16.3) implies.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "../src/domain/logger.js";
import { startOrchestratorService } from "../src/service.js";
import { LinearTrackerAdapter, stateNameFilter } from "../src/tracker/linear/adapter.js";
import type { LinearTrackerSettings } from "../src/tracker/linear/config.js";
import { normaliseLinearIssue } from "../src/tracker/linear/normalise.js";
import { LABEL_PAGE_SIZE, POLL_QUERY, RELATION_PAGE_SIZE } from "../src/tracker/linear/queries.js";
import {
  type FakeLinearServer,
  fakeIssue,
  startFakeLinearServer,
} from "../test/support/fake-linear-server.js";
import { ManualClock } from "../test/support/manual-clock.js";
import { until } from "../test/support/until.js";
import { buildConfig, staticWorkflowSource } from "../test/support/workflow-fixtures.js";

const ISSUES = 10_000;
const PAGE_SIZE = 50;
const ROUNDS = 15;
const ACTIVE = ["Todo", "In Progress"];
const TERMINAL = ["Closed", "Cancelled", "Canceled", "Duplicate", "Done"];
const never = new AbortController().signal;

function settings(server: FakeLinearServer): LinearTrackerSettings {
  return {
    endpoint: server.url,
    apiKey: server.apiKey,
    secretEnvNames: ["LINEAR_API_KEY"],
    projectSlug: "proj-slug",
    assignee: null,
    timeoutMs: 30_000,
    pageSize: PAGE_SIZE,
  };
}

function seed(server: FakeLinearServer, count: number): void {
  const issues = Array.from({ length: count }, (_, i) =>
    fakeIssue({
      number: i + 1,
      stateName: i % 3 === 0 ? "In Progress" : "Todo",
      description: `Steps to reproduce issue ${i + 1}.\n\n${"Lorem ipsum dolor sit amet. ".repeat(6)}`,
      labels: i % 2 === 0 ? ["Bug", "Backend"] : ["Feature"],
      blockedBy: i % 10 === 5 ? [`issue-${i}`] : [],
      assigneeId: i % 4 === 0 ? "user-a" : null,
    }),
  );
  server.store.put(...issues);
}

/** What a bare loop adds on top of fetch + JSON.parse (to explain the adapter's overhead). */
interface BareExtras {
  /** A fresh AbortController's signal on every fetch, as the adapter must pass. */
  readonly signal?: boolean;
  /** Normalise every node (the adapter's per-issue work). */
  readonly normalise?: boolean;
}

const NORMALISE_CTX = { terminalStates: new Set(TERMINAL.map((s) => s.toLowerCase())), assigneeId: null };

/** The same POSTs the adapter sends, parsed with JSON.parse and nothing else (unless `extras`). */
async function bareTick(server: FakeLinearServer, extras: BareExtras = {}): Promise<number> {
  let after: string | null = null;
  let count = 0;
  const kept: unknown[] = [];
  for (;;) {
    const response = await fetch(server.url, {
      ...(extras.signal === true ? { signal: new AbortController().signal } : {}),
      method: "POST",
      headers: {
        Authorization: server.apiKey,
        "Content-Type": "application/json",
        Accept: "application/json",
      },
      body: JSON.stringify({
        query: POLL_QUERY,
        variables: {
          projectSlug: "proj-slug",
          stateFilter: stateNameFilter(ACTIVE),
          first: PAGE_SIZE,
          after,
          labelFirst: LABEL_PAGE_SIZE,
          relationFirst: RELATION_PAGE_SIZE,
        },
        operationName: "SymphonyLinearPoll",
      }),
    });
    const body = JSON.parse(await response.text()) as {
      data: { issues: { nodes: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
    };
    count += body.data.issues.nodes.length;
    if (extras.normalise === true) {
      for (const node of body.data.issues.nodes) kept.push(normaliseLinearIssue(node, NORMALISE_CTX));
    }
    if (!body.data.issues.pageInfo.hasNextPage) return count;
    after = body.data.issues.pageInfo.endCursor;
  }
}

async function adapterTick(adapter: LinearTrackerAdapter): Promise<number> {
  const result = await adapter.fetchIssuesByStates(ACTIVE, never);
  if (!result.ok) throw new Error(result.error.message);
  return result.value.length;
}

async function timed(fn: () => Promise<number>, expected: number): Promise<number> {
  const start = performance.now();
  const count = await fn();
  const ms = performance.now() - start;
  if (count !== expected) throw new Error(`expected ${expected} issues, got ${count}`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function tickOverhead(): Promise<number> {
  const server = await startFakeLinearServer({ cacheResponses: true });
  // Thousands of requests: keep the fake's request bucket from running dry mid-benchmark.
  server.rateLimit.requestsRemaining = 1_000_000_000;
  try {
    seed(server, ISSUES);
    const adapter = new LinearTrackerAdapter({
      settings: settings(server),
      terminalStates: TERMINAL,
      clock: new ManualClock(),
      logger: silentLogger,
    });
    // Warm-up fills the fake's cache (200 real graphql-js executions) and the JIT on both sides.
    await timed(() => adapterTick(adapter), ISSUES);
    await timed(() => bareTick(server), ISSUES);
    const executionsAfterWarmup = server.stats.executions;
    const requestsBefore = server.requests.length;
    const variants: readonly (readonly [string, () => Promise<number>])[] = [
      ["adapter", () => adapterTick(adapter)],
      ["bare", () => bareTick(server)],
      ["signal", () => bareTick(server, { signal: true })],
      ["signal+normalise", () => bareTick(server, { signal: true, normalise: true })],
    ];
    const times = new Map<string, number[]>(variants.map(([name]) => [name, []]));
    // Rounds rotate the order, so background load and GC debt hit every variant alike.
    for (let round = 0; round < ROUNDS; round += 1) {
      for (let i = 0; i < variants.length; i += 1) {
        const [name, run] = variants[(round + i) % variants.length] as (typeof variants)[number];
        times.get(name)?.push(await timed(run, ISSUES));
      }
    }
    const pagesPerTick = (server.requests.length - requestsBefore) / (variants.length * ROUNDS);
    const adapterMs = times.get("adapter") ?? [];
    const bareMs = times.get("bare") ?? [];
    if (server.stats.executions !== executionsAfterWarmup) {
      throw new Error("the bare loop did not send the adapter's exact request bodies (cache misses)");
    }
    const a = median(adapterMs);
    const b = median(bareMs);
    const paired = median(adapterMs.map((ms, i) => ms / (bareMs[i] ?? Number.NaN)));
    console.log(`issues per tick: ${ISSUES}, pages per tick: ${pagesPerTick}, rounds: ${ROUNDS}`);
    console.log(
      `adapter fetchIssuesByStates: median ${a.toFixed(1)} ms, min ${Math.min(...adapterMs).toFixed(1)} ms`,
    );
    console.log(
      `bare fetch + JSON.parse:     median ${b.toFixed(1)} ms, min ${Math.min(...bareMs).toFixed(1)} ms`,
    );
    console.log(
      `  + a fresh AbortSignal per fetch: median ${median(times.get("signal") ?? []).toFixed(1)} ms`,
    );
    console.log(
      `  + signal + normalisation:       median ${median(times.get("signal+normalise") ?? []).toFixed(1)} ms`,
    );
    console.log(
      `ratio of medians: ${(a / b).toFixed(2)}; median of paired per-round ratios: ${paired.toFixed(2)}`,
    );
    console.log(`overhead (paired): ${((paired - 1) * 100).toFixed(1)} %`);
    return paired;
  } finally {
    await server.close();
  }
}

/**
 * One simulated hour of the real orchestrator service (manual clock, 30 s poll) against the fake:
 * 100 active issues, of which `running` are assigned to the configured user and so dispatched
 * (command backend, `sleep`); counts the Linear requests of the 120 ticks after the first.
 */
async function idleCallsPerHour(running: number): Promise<{ measured: number; implied: number }> {
  const server = await startFakeLinearServer();
  const root = await mkdtemp(join(tmpdir(), "linear-tick-"));
  try {
    server.store.put(
      ...Array.from({ length: 100 }, (_, i) =>
        fakeIssue({
          number: i + 1,
          stateName: i % 3 === 0 ? "In Progress" : "Todo",
          assigneeId: i < running ? "user-symphony" : "user-someone-else",
        }),
      ),
      fakeIssue({ number: 9_001, stateName: "Done" }),
    );
    const config = buildConfig(
      {
        tracker: {
          kind: "linear",
          endpoint: server.url,
          project_slug: "proj-slug",
          assignee: "user-symphony",
        },
        polling: { interval_ms: 30_000 },
        workspace: { root: join(root, "workspaces") },
        agent: { backend: "command", max_concurrent_agents: 10 },
        command: { run: "sleep 100000" },
        codex: { stall_timeout_ms: 0 },
      },
      root,
      { LINEAR_API_KEY: server.apiKey },
    );
    const clock = new ManualClock();
    const started = await startOrchestratorService({
      source: staticWorkflowSource(config, "work on {{ issue.identifier }}"),
      logger: silentLogger,
      clock,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: root },
    });
    if (!started.ok) throw new Error(started.error);
    const service = started.value;
    try {
      const tickDone = () =>
        until(() => {
          const polling = service.status.snapshot().polling;
          return polling.lastTickAt === clock.now() && !polling.checking;
        }, 10_000);
      await tickDone();
      await until(() => service.status.snapshot().running.length === running, 10_000);
      const before = server.requests.length;
      const ticks = 3_600_000 / 30_000;
      for (let tick = 0; tick < ticks; tick += 1) {
        clock.advance(30_000);
        await tickDone();
      }
      if (service.status.snapshot().running.length !== running)
        throw new Error("runs changed during the hour");
      const implied = ticks * (Math.ceil(100 / PAGE_SIZE) + Math.ceil(running / PAGE_SIZE));
      return { measured: server.requests.length - before, implied };
    } finally {
      await service.stop();
    }
  } finally {
    await server.close();
    await rm(root, { recursive: true, force: true });
  }
}

const ratio = await tickOverhead();
for (const running of [0, 10]) {
  const { measured, implied } = await idleCallsPerHour(running);
  console.log(
    `idle API calls per hour (100 active issues, 30 s poll, ${running} running): ${measured} measured, ${implied} implied by the spec`,
  );
}
console.log(`linear-tick: ${ratio.toFixed(2)}`);
