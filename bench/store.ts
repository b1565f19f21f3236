/**
 * bench/store: what the durable store costs. (1) The same orchestrator workload — 40 runs, each
 * streaming 2,000 agent events (token totals, tool calls, notifications) — with no store and with the
 * embedded store recording every attempt, alternating, in one run: the ratio of medians is the
 * recording overhead on the event path. (2) Start-up added by opening the store: a fresh file
 * (create + migrate) and an existing one holding 5,000 attempts (restore + totals + recent runs).
 * Last line: `store: <with/without ratio>`.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultAcpConfig } from "../src/agent/acp/settings.js";
import { defaultClaudeConfig } from "../src/agent/claude/settings.js";
import type { ServiceConfig } from "../src/config/types.js";
import type { AgentEvent } from "../src/domain/agent-event.js";
import { silentLogger } from "../src/domain/logger.js";
import { ok } from "../src/domain/result.js";
import { createLocalHost } from "../src/hosts/local.js";
import { STORES } from "../src/kinds.js";
import type { Journal } from "../src/orchestrator/journal.js";
import { Orchestrator } from "../src/orchestrator/orchestrator.js";
import type { WorkerExit } from "../src/orchestrator/worker.js";
import { defaultRescueSettings } from "../src/rescue/settings.js";
import { DEFAULT_SPEND_SETTINGS } from "../src/spend/settings.js";
import { openJournal } from "../src/store/open.js";
import { MemoryTracker } from "../src/tracker/memory/adapter.js";
import { systemClock } from "../src/util/clock.js";
import type { LoadedWorkflow, WorkflowSource } from "../src/workflow/types.js";
import { createWorkspaceManager } from "../src/workspace/manager.js";

const RUNS = 40;
const EVENTS = 2_000;
const ROUNDS = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function config(root: string, storePath: string): ServiceConfig {
  return {
    workflowPath: join(root, "WORKFLOW.md"),
    workflowDir: root,
    tracker: {
      kind: "memory",
      activeStates: ["Todo"],
      terminalStates: ["Done"],
      requiredLabels: [],
      provider: { issues: [] },
    },
    polling: { intervalMs: 3_600_000 },
    profiles: [],
    workspace: {
      root: join(root, "ws"),
      rootRaw: null,
      rescue: defaultRescueSettings(join(root, "rescue")),
      gc: { maxAgeMs: "unlimited", maxTotalBytes: "unlimited" },
    },
    hooks: {
      afterCreate: null,
      beforeRun: null,
      afterRun: null,
      beforeRemove: null,
      timeoutMs: 60_000,
      envPassthrough: [],
    },
    agent: {
      backend: "command",
      maxConcurrentAgents: RUNS,
      maxTurns: 1,
      maxRetryBackoffMs: 300_000,
      turnTimeoutMs: 3_600_000,
      maxConcurrentAgentsByState: {},
    },
    codex: {
      command: "",
      approvalPolicy: "never",
      threadSandbox: "workspace-write",
      envPassthrough: [],
      turnSandboxPolicy: null,
      turnTimeoutMs: 60_000,
      readTimeoutMs: 5_000,
      stallTimeoutMs: 0,
      home: "inherit",
    },
    command: { run: "true", envPassthrough: [] },
    claude: defaultClaudeConfig(),
    acp: defaultAcpConfig(),
    builtin: {
      provider: "openai-compatible",
      model: null,
      apiKey: null,
      baseUrl: null,
      maxSteps: 1,
      temperature: null,
      maxOutputTokens: null,
      contextWindowTokens: 1000,
      systemPrompt: null,
      tools: null,
      commandTimeoutMs: 1000,
      allowedCommands: [],
      deniedCommands: [],
    },
    server: { port: null, host: "127.0.0.1", authToken: null, allowedHosts: [], maxSseClients: 64 },
    worker: { sshHosts: [], maxConcurrentAgentsPerHost: null, loginShell: false },
    limits: DEFAULT_SPEND_SETTINGS,
    store: { kind: "embedded", path: storePath, url: null, leaseTtlMs: null },
    secretValues: [],
  };
}

/** Agent events of one run: mostly token totals and tool calls, as a busy codex turn sends them. */
function eventsOf(issueId: string): AgentEvent[] {
  const out: AgentEvent[] = [];
  for (let i = 0; i < EVENTS; i += 1) {
    const at = 1_795_000_000_000 + i;
    if (i % 4 === 0) {
      const t = i * 50;
      out.push({
        type: "token_usage",
        at,
        totals: { inputTokens: t, outputTokens: i, totalTokens: t + i },
      } as AgentEvent);
    } else if (i % 4 === 1) {
      out.push({
        type: "tool_call",
        at,
        tool: "shell",
        ok: true,
        summary: `npm test ${issueId}`,
      } as AgentEvent);
    } else {
      out.push({
        type: "notification",
        at,
        method: "item/agentMessage/delta",
        summary: `word ${i}`,
      } as AgentEvent);
    }
  }
  return out;
}

/** One workload: RUNS issues dispatched at once; each run replays its events then ends normally. */
async function workload(root: string, journal: Journal | undefined): Promise<number> {
  const cfg = config(root, join(root, "store.db"));
  const loaded: LoadedWorkflow = {
    config: cfg,
    promptTemplate: "x",
    contentHash: "x",
    render: () => ok("x"),
    unknownKeys: [],
  };
  const source: WorkflowSource = {
    current: () => loaded,
    revalidate: () => ok(loaded),
    subscribe: () => () => {},
    close: async () => {},
  };
  const issues = Array.from({ length: RUNS }, (_, i) => ({
    id: `B-${i}`,
    identifier: `B-${i}`,
    title: "bench",
    description: null,
    priority: null,
    state: "Todo",
    branchName: null,
    url: null,
    assigneeId: null,
    labels: [],
    blockedBy: [],
    dispatchable: true,
    nativeRef: null,
    createdAt: null,
    updatedAt: null,
  }));
  const tracker = new MemoryTracker(issues, ["Done"]);
  const host = createLocalHost();
  let ended = 0;
  let allEnded: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    allEnded = resolve;
  });
  const orchestrator = new Orchestrator({
    workflow: source,
    tracker: () => tracker,
    launch: async (request) => {
      request.onWorkspace(join(root, "ws", request.issue.identifier));
      for (const event of eventsOf(request.issue.id)) request.onEvent(event);
      await new Promise((r) => setImmediate(r));
      return { outcome: "completed", turns: 1 } satisfies WorkerExit;
    },
    workspaces: createWorkspaceManager({
      hosts: () => host,
      logger: silentLogger,
      clock: systemClock,
      config: () => cfg,
      hookEnv: () => ({}),
    }),
    clock: systemClock,
    logger: silentLogger,
    ...(journal === undefined ? {} : { journal }),
  });
  orchestrator.subscribe((e) => {
    if (e.type === "run_ended" && ++ended === RUNS) allEnded();
  });
  // opening (restore) is start-up, measured below; this times the runs and their events
  await orchestrator.start();
  const t = performance.now();
  await done;
  const elapsed = performance.now() - t;
  await orchestrator.stop();
  return elapsed;
}

async function openEmbedded(path: string): Promise<Journal> {
  const opened = await openJournal({
    config: { kind: "embedded", path, url: null, leaseTtlMs: null },
    workflowPath: path,
    env: {},
    dataDir: null,
    pollIntervalMs: 30_000,
    stores: STORES,
    clock: systemClock,
    logger: silentLogger,
  });
  if (!opened.ok) throw new Error(opened.error.message);
  return opened.value;
}

const root = await mkdtemp(join(tmpdir(), "symphony-bench-store-"));
try {
  const without: number[] = [];
  const withStore: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const measure = async (recorded: boolean) => {
      const dir = await mkdtemp(join(root, "w-"));
      const journal = recorded ? await openEmbedded(join(dir, "store.db")) : undefined;
      (recorded ? withStore : without).push(await workload(dir, journal));
    };
    // alternate the order so neither side always runs on a warmer heap
    if (round % 2 === 0) {
      await measure(false);
      await measure(true);
    } else {
      await measure(true);
      await measure(false);
    }
  }
  const ratio = median(withStore) / median(without);
  console.log(`workload: ${RUNS} runs x ${EVENTS} agent events, ${ROUNDS} rounds each, medians`);
  console.log(`  no store:        ${median(without).toFixed(1)} ms`);
  console.log(`  embedded store:  ${median(withStore).toFixed(1)} ms`);

  const opens: number[] = [];
  const reopens: number[] = [];
  for (let round = 0; round < 5; round += 1) {
    const file = join(await mkdtemp(join(root, "o-")), "store.db");
    let t = performance.now();
    const fresh = await openEmbedded(file);
    await fresh.open(() => ({ running: [], retries: [], blocked: [], claims: [] }));
    opens.push(performance.now() - t);
    for (let i = 0; i < 5_000; i += 1) {
      fresh.attemptEnded({
        runId: `r-${i}`,
        issueId: `I-${i % 300}`,
        identifier: `I-${i % 300}`,
        attempt: null,
        backend: "command",
        host: "local",
        startedAt: i,
        endedAt: i + 1,
        outcome: "completed",
        error: null,
        turns: 3,
        tokens: { inputTokens: 1000, outputTokens: 100, totalTokens: 1100 },
        costUsd: null,
        sessionId: `s-${i}`,
        workspacePath: "/ws",
      });
    }
    await fresh.close();
    t = performance.now();
    const again = await openEmbedded(file);
    await again.open(() => ({ running: [], retries: [], blocked: [], claims: [] }));
    reopens.push(performance.now() - t);
    await again.close();
  }
  console.log(
    `start-up added by the store (median of 5): fresh file ${median(opens).toFixed(1)} ms, existing file with 5,000 attempts ${median(reopens).toFixed(1)} ms`,
  );
  console.log(`store: ${ratio.toFixed(3)}`);
} finally {
  await rm(root, { recursive: true, force: true });
}
