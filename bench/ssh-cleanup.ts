/**
 * Startup terminal cleanup on an SSH worker: N terminal issues, of which K still have a workspace on
 * the worker. Baseline: one `WorkspaceManager.remove` per issue (root check + existence probe each).
 * Measured: the janitor's startup cleanup, which lists the worker's root once and removes only the
 * workspaces that are there. Both run against the same real loopback sshd, alternating, in one run.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Issue } from "../src/domain/issue.js";
import { silentLogger } from "../src/domain/logger.js";
import { createSshHost } from "../src/hosts/ssh.js";
import { WorkspaceJanitor } from "../src/orchestrator/janitor.js";
import { MemoryTracker } from "../src/tracker/memory/adapter.js";
import { systemClock } from "../src/util/clock.js";
import { createWorkspaceManager } from "../src/workspace/manager.js";
import { testConfig } from "../test/support/orchestrator/fixtures.js";
import { startSshd } from "../test/support/sshd.js";

const ISSUES = 20;
const EXISTING = 2;
const ROUNDS = 2;

const sshd = await startSshd();
const dir = await mkdtemp(join(tmpdir(), "symphony-bench-ssh-cleanup-"));
try {
  const destination = `127.0.0.1:${sshd.port}`;
  const host = createSshHost(destination, { sshConfigPath: sshd.configPath });
  const remoteRoot = join(dir, "remote-root");
  const config = testConfig(dir, {
    tracker: { terminalStates: ["Done"] },
    workspace: { root: join(dir, "local-root"), rootRaw: remoteRoot },
    worker: { sshHosts: [destination], maxConcurrentAgentsPerHost: null },
  });
  const issues: Issue[] = Array.from({ length: ISSUES }, (_, i) => ({
    id: `id-B-${i}`,
    identifier: `B-${i}`,
    title: `bench ${i}`,
    description: null,
    priority: null,
    state: "Done",
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
  const workspaces = createWorkspaceManager({
    hosts: () => host,
    logger: silentLogger,
    clock: systemClock,
    config: () => config,
    hookEnv: () => ({}),
  });
  const signal = new AbortController().signal;
  const janitor = new WorkspaceJanitor(workspaces, silentLogger, signal, () => config.worker.sshHosts);
  const seed = async () => {
    for (let i = 0; i < EXISTING; i++) await mkdir(join(remoteRoot, `B-${i}`), { recursive: true });
  };
  const perIssue = async () => {
    for (const issue of issues) await workspaces.remove({ issue, signal, host: destination });
  };
  const listed = () => janitor.startupCleanup(tracker, config);

  const baseline: number[] = [];
  const measured: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const order =
      round % 2 === 0
        ? ([
            [perIssue, baseline],
            [listed, measured],
          ] as const)
        : ([
            [listed, measured],
            [perIssue, baseline],
          ] as const);
    for (const [fn, samples] of order) {
      await seed();
      const start = performance.now();
      await fn();
      samples.push(performance.now() - start);
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(`terminal issues: ${ISSUES}, with a workspace on the worker: ${EXISTING}, rounds: ${ROUNDS}`);
  console.log(`per-issue remove (baseline), mean: ${(mean(baseline) / 1000).toFixed(2)} s`);
  console.log(`startup cleanup (one listing), mean: ${(mean(measured) / 1000).toFixed(2)} s`);
  console.log(`ssh-cleanup: ${(mean(baseline) / mean(measured)).toFixed(1)}x`);
} finally {
  await rm(dir, { recursive: true, force: true });
  await sshd.close();
}
