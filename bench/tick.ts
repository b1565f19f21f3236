/**
 * bench/tick: one orchestrator tick over 10,000 candidate issues on the local tracker, against a bare
 * read + front-matter parse of the same files in the same run; plus the pure sort + eligibility cost
 * for 10,000 issues and a whole tick on the memory tracker (no I/O). Last line: `tick: <ratio>x` (tick / bare read).
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { defaultAcpConfig } from "../src/agent/acp/settings.js";
import { defaultClaudeConfig } from "../src/agent/claude/settings.js";
import type { ServiceConfig } from "../src/config/types.js";
import type { Issue } from "../src/domain/issue.js";
import { silentLogger } from "../src/domain/logger.js";
import { ok } from "../src/domain/result.js";
import { createLocalHost } from "../src/hosts/local.js";
import { stateSets } from "../src/orchestrator/eligibility.js";
import { Orchestrator } from "../src/orchestrator/orchestrator.js";
import { planDispatch } from "../src/orchestrator/plan.js";
import { emptyState } from "../src/orchestrator/state.js";
import type { WorkerExit } from "../src/orchestrator/worker.js";
import { defaultRescueSettings } from "../src/rescue/settings.js";
import { DEFAULT_SPEND_SETTINGS } from "../src/spend/settings.js";
import type { TrackerAdapter } from "../src/tracker/adapter.js";
import { LocalTracker } from "../src/tracker/local/adapter.js";
import { splitFrontMatter } from "../src/tracker/local/issue-file.js";
import { MemoryTracker } from "../src/tracker/memory/adapter.js";
import { systemClock } from "../src/util/clock.js";
import type { LoadedWorkflow, WorkflowSource } from "../src/workflow/types.js";
import { createWorkspaceManager } from "../src/workspace/manager.js";

const ISSUES = 10_000;
const ROUNDS = 7;
const STATES = ["Todo", "In Progress", "Todo", "Backlog"];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function writeIssues(folder: string): Promise<void> {
  for (let i = 0; i < ISSUES; i += 100) {
    await Promise.all(
      Array.from({ length: 100 }, (_, j) => {
        const n = i + j + 1;
        const blocker = n % 10 === 0 ? `blocked_by: [B-${n - 1}]\n` : "";
        const text =
          `---\ntitle: Issue number ${n}\nstate: ${STATES[n % STATES.length]}\npriority: ${n % 6}\n` +
          `labels: [bench, area-${n % 7}]\n${blocker}created_at: 2026-01-01T00:00:${String(n % 60).padStart(2, "0")}Z\n---\n` +
          `Description of issue ${n}. `.repeat(8);
        return writeFile(join(folder, `B-${n}.md`), text);
      }),
    );
  }
}

/** The baseline: list the folder, read every file, split and YAML-parse its front matter. */
async function bareRead(folder: string): Promise<number> {
  const names = (await readdir(folder)).filter((n) => n.endsWith(".md"));
  let parsed = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < names.length; i = next++) {
      const text = await readFile(join(folder, names[i] as string), "utf8");
      const parts = splitFrontMatter(text);
      if (parts !== null && parse(parts.yaml) !== null) parsed += 1;
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
  return parsed;
}

function config(root: string, folder: string): ServiceConfig {
  return {
    workflowPath: join(root, "WORKFLOW.md"),
    workflowDir: root,
    tracker: {
      kind: "local",
      activeStates: ["Todo", "In Progress"],
      terminalStates: ["Done", "Cancelled"],
      requiredLabels: ["bench"],
      provider: { path: folder },
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
      maxConcurrentAgents: 10,
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
    store: { kind: "embedded", path: null, url: null, leaseTtlMs: null },
    secretValues: [],
  };
}

/** An orchestrator on the real local host whose runs stay live (never finish), so every measured tick
 * reconciles the running issues and fills no slot. */
function benchOrchestrator(
  source: WorkflowSource,
  tracker: TrackerAdapter,
  cfg: ServiceConfig,
): Orchestrator {
  const host = createLocalHost();
  return new Orchestrator({
    workflow: source,
    tracker: () => tracker,
    launch: (request) =>
      new Promise<WorkerExit>((resolve) =>
        request.signal.addEventListener("abort", () => resolve({ outcome: "cancelled", reason: "stop" })),
      ),
    workspaces: createWorkspaceManager({
      hosts: () => host,
      logger: silentLogger,
      clock: systemClock,
      config: () => cfg,
      hookEnv: () => ({}),
    }),
    clock: systemClock,
    logger: silentLogger,
  });
}

const root = await mkdtemp(join(tmpdir(), "symphony-bench-tick-"));
const folder = join(root, "issues");
await (await import("node:fs/promises")).mkdir(folder);
try {
  await writeIssues(folder);
  const cfg = config(root, folder);
  const loaded: LoadedWorkflow = {
    config: cfg,
    unknownKeys: [],
    promptTemplate: "x",
    contentHash: "x",
    render: () => ok("x"),
  };
  const source: WorkflowSource = {
    current: () => loaded,
    revalidate: () => ok(loaded),
    subscribe: () => () => {},
    close: async () => {},
  };
  const tracker = new LocalTracker(folder, cfg.tracker.terminalStates, silentLogger);
  const orchestrator = benchOrchestrator(source, tracker, cfg);
  await orchestrator.start();
  await orchestrator.idle();
  const fetched = await tracker.fetchIssuesByStates(cfg.tracker.activeStates);
  const candidates = fetched.ok ? fetched.value.length : -1;
  const bare: number[] = [];
  const ticks: number[] = [];
  const measureBare = async (): Promise<void> => {
    const t = performance.now();
    const parsed = await bareRead(folder);
    bare.push(performance.now() - t);
    if (parsed !== ISSUES) throw new Error(`baseline parsed ${parsed}`);
  };
  const measureTick = async (): Promise<void> => {
    const t = performance.now();
    orchestrator.requestRefresh();
    await orchestrator.idle();
    ticks.push(performance.now() - t);
  };
  // alternate the order so neither side always runs on a warmer cache or after the other's garbage
  for (let round = 0; round < ROUNDS; round += 1) {
    if (round % 2 === 0) {
      await measureBare();
      await measureTick();
    } else {
      await measureTick();
      await measureBare();
    }
  }
  const snap = orchestrator.snapshot();
  await orchestrator.stop();

  // a cold read: a fresh tracker has no parse cache, so it reads and parses every file (the first poll
  // after a start, or a poll after every file changed) — compared with the same bare read
  const cold: number[] = [];
  const coldBare: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const t = performance.now();
    const fresh = await new LocalTracker(
      folder,
      cfg.tracker.terminalStates,
      silentLogger,
    ).fetchIssuesByStates(cfg.tracker.activeStates);
    cold.push(performance.now() - t);
    if (!fresh.ok) throw new Error(fresh.error.message);
    const b = performance.now();
    await bareRead(folder);
    coldBare.push(performance.now() - b);
  }

  // pure sort + eligibility over 10,000 normalised issues (what the memory tracker hands over)
  const issues: Issue[] = Array.from({ length: ISSUES }, (_, i) => ({
    id: `m-${i}`,
    identifier: `M-${i}`,
    title: `t${i}`,
    description: null,
    priority: i % 6,
    state: STATES[i % STATES.length] as string,
    branchName: null,
    url: null,
    assigneeId: null,
    labels: ["bench"],
    blockedBy: [],
    dispatchable: i % 10 !== 0,
    nativeRef: null,
    createdAt: 1_700_000_000_000 + (i % 997),
    updatedAt: null,
  }));
  const sets = stateSets(cfg.tracker);
  const pure: number[] = [];
  for (let round = 0; round < 21; round += 1) {
    const t = performance.now();
    planDispatch(issues, emptyState(), cfg.agent, sets, cfg.worker);
    pure.push(performance.now() - t);
  }

  // a whole tick on the memory tracker: the same 10,000 issues, no I/O at all
  const memory = new MemoryTracker(issues, cfg.tracker.terminalStates);
  const memoryOrchestrator = benchOrchestrator(source, memory, cfg);
  await memoryOrchestrator.start();
  await memoryOrchestrator.idle();
  const memoryTicks: number[] = [];
  for (let round = 0; round < 21; round += 1) {
    const t = performance.now();
    memoryOrchestrator.requestRefresh();
    await memoryOrchestrator.idle();
    memoryTicks.push(performance.now() - t);
  }
  await memoryOrchestrator.stop();

  const bareMs = median(bare);
  const tickMs = median(ticks);
  console.log(
    `issues on disk: ${ISSUES}, candidates per tick: ${candidates}, running: ${snap.running.length}, skipped rows: ${snap.skipped.length}`,
  );
  console.log(`bare read + front-matter parse (median of ${ROUNDS}): ${bareMs.toFixed(1)} ms`);
  console.log(`orchestrator tick on local tracker (median of ${ROUNDS}): ${tickMs.toFixed(1)} ms`);
  console.log(`pure sort + eligibility, 10,000 issues (median of 21): ${median(pure).toFixed(2)} ms`);
  console.log(
    `orchestrator tick on the memory tracker, 10,000 issues (median of 21): ${median(memoryTicks).toFixed(2)} ms`,
  );
  console.log(
    `cold poll (fresh tracker, every file read and parsed, median of ${ROUNDS}): ${median(cold).toFixed(1)} ms` +
      ` = ${(median(cold) / median(coldBare)).toFixed(2)}x the bare read`,
  );
  console.log(`overhead vs bare read: ${(((tickMs - bareMs) / bareMs) * 100).toFixed(1)} %`);
  console.log(`tick: ${(tickMs / bareMs).toFixed(2)}x`);
} finally {
  await rm(root, { recursive: true, force: true });
}
