import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServiceConfig } from "../../../src/config/types.js";
import type { Issue } from "../../../src/domain/issue.js";
import { silentLogger } from "../../../src/domain/logger.js";
import type { ObserverEvent } from "../../../src/domain/snapshot.js";
import type { Journal } from "../../../src/orchestrator/journal.js";
import { Orchestrator } from "../../../src/orchestrator/orchestrator.js";
import type { CircuitBreakers } from "../../../src/spend/breaker.js";
import type { SpendGuard } from "../../../src/spend/guard.js";
import { MemoryTracker } from "../../../src/tracker/memory/adapter.js";
import { createWorkspaceManager } from "../../../src/workspace/manager.js";
import { ManualClock } from "../manual-clock.js";
import { type StaticWorkflowSource, staticWorkflowSource } from "../workflow-fixtures.js";
import { ControlledLauncher } from "./controlled-launcher.js";
import { FakeHost } from "./fake-host.js";
import { type ConfigOverrides, testConfig } from "./fixtures.js";

/** An orchestrator on a memory tracker, a manual clock and a controlled launcher. */
export interface Harness {
  readonly dir: string;
  readonly clock: ManualClock;
  readonly tracker: MemoryTracker;
  readonly workflow: StaticWorkflowSource;
  readonly launcher: ControlledLauncher;
  readonly host: FakeHost;
  /** Every host name the workspace manager resolved, in order (all names resolve to `host`). */
  readonly hostNames: string[];
  readonly orchestrator: Orchestrator;
  readonly events: ObserverEvent[];
  config(): ServiceConfig;
  /** Lets queued messages and worker promises settle. */
  settle(): Promise<void>;
  /** Advances the manual clock and settles. */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** Optional collaborators: spend control and a workspace probe (both absent by default). */
export interface HarnessOptions {
  readonly spend?: SpendGuard;
  readonly breakers?: CircuitBreakers;
  readonly probeWorkspace?: (host: string, path: string) => Promise<string | null>;
  /** Durable state (absent: the orchestrator's in-memory default). */
  readonly journal?: Journal;
  /** The clock to run on (a fresh manual clock by default). */
  readonly clock?: ManualClock;
}

/** Builds a harness; the orchestrator is not started. */
export async function harness(
  issues: readonly Issue[],
  overrides: ConfigOverrides = {},
  options: HarnessOptions = {},
): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), "symphony-orch-"));
  const clock = options.clock ?? new ManualClock();
  const config = testConfig(dir, overrides);
  const workflow = staticWorkflowSource(config, "Work on {{ issue.identifier }}");
  const tracker = new MemoryTracker(issues, config.tracker.terminalStates);
  const host = new FakeHost();
  const launcher = new ControlledLauncher(join(dir, "workspaces"));
  const hostNames: string[] = [];
  const workspaces = createWorkspaceManager({
    hosts: (name) => {
      hostNames.push(name);
      return host;
    },
    logger: silentLogger,
    clock,
    config: () => workflow.current().config,
    hookEnv: () => ({}),
  });
  const orchestrator = new Orchestrator({
    workflow,
    tracker: () => tracker,
    launch: launcher.launch,
    workspaces,
    clock,
    logger: silentLogger,
    ...(options.spend === undefined ? {} : { spend: options.spend }),
    ...(options.breakers === undefined ? {} : { breakers: options.breakers }),
    ...(options.probeWorkspace === undefined ? {} : { probeWorkspace: options.probeWorkspace }),
    ...(options.journal === undefined ? {} : { journal: options.journal }),
  });
  const events: ObserverEvent[] = [];
  orchestrator.subscribe((e) => events.push(e));
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 4; i += 1) {
      await new Promise((r) => setImmediate(r));
      await orchestrator.idle();
    }
  };
  return {
    dir,
    clock,
    tracker,
    workflow,
    launcher,
    host,
    hostNames,
    orchestrator,
    events,
    config: () => workflow.current().config,
    settle,
    async advance(ms) {
      clock.advance(ms);
      await settle();
    },
    async close() {
      await orchestrator.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
