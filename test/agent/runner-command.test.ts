import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createCommandBackend } from "../../src/agent/command/backend.js";
import { createWorkerLauncher } from "../../src/agent/runner.js";
import type { AgentEvent } from "../../src/domain/agent-event.js";
import { silentLogger } from "../../src/domain/logger.js";
import { ok } from "../../src/domain/result.js";
import { createLocalHost } from "../../src/hosts/local.js";
import { MemoryTracker } from "../../src/tracker/memory/adapter.js";
import { createWorkspaceManager } from "../../src/workspace/manager.js";
import { ManualClock } from "../support/manual-clock.js";
import { makeIssue, testConfig } from "../support/orchestrator/fixtures.js";
import { makeTempDir } from "../support/temp-dir.js";
import { pidAlive, until } from "../support/until.js";
import { staticWorkflowSource } from "../support/workflow-fixtures.js";

let dir: { path: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  dir = await makeTempDir("symphony-runner-cmd-");
});
afterEach(async () => dir.cleanup());

/** One attempt of the real command backend (a bash process group) under the runner, on a manual clock. */
function attempt(run: string, turnTimeoutMs: number) {
  const config = testConfig(dir.path, {
    agent: { backend: "command", maxTurns: 1, turnTimeoutMs },
    command: { run, envPassthrough: [] },
  });
  const issue = makeIssue({ identifier: "TMO-1" });
  const tracker = new MemoryTracker([issue], config.tracker.terminalStates);
  const host = createLocalHost({ killGraceMs: 300 });
  const clock = new ManualClock();
  const workspaces = createWorkspaceManager({
    hosts: () => host,
    logger: silentLogger,
    clock,
    config: () => config,
    hookEnv: () => ({}),
  });
  const launch = createWorkerLauncher({
    hosts: () => host,
    workspaces,
    tracker: () => tracker,
    backendFor: (c) => ok(createCommandBackend(c, { logger: silentLogger })),
    // an empty HOME keeps the machine's login files out of `bash -lc`
    agentEnv: () => ({ PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: join(dir.path, "home") }),
    logger: silentLogger,
    clock,
  });
  const events: AgentEvent[] = [];
  let workspace = "";
  const done = launch({
    issue,
    attempt: null,
    runId: "r1",
    host: "local",
    workflow: staticWorkflowSource(config, "Work on {{ issue.identifier }}").current(),
    signal: new AbortController().signal,
    cleanupSignal: new AbortController().signal,
    onEvent: (e) => events.push(e),
    onHook: () => {},
    onWorkspace: (p) => {
      workspace = p;
    },
  });
  return { done, clock, events, workspace: () => workspace };
}

describe("the runner's turn timeout on a real command process", () => {
  it("is wall clock, not silence: a turn that keeps printing is still stopped, its whole group killed", async () => {
    const t = attempt("sleep 60 & echo $! > bg.pid; while true; do echo tick; sleep 0.05; done", 60_000);
    await until(() => t.events.filter((e) => e.type === "output").length >= 3, 10_000, "output lines");
    const bgPid = Number((await readFile(join(t.workspace(), "bg.pid"), "utf8")).trim());
    const started = t.events.find((e) => e.type === "session_started");
    const leader = Number(started?.type === "session_started" ? started.pid : NaN);
    t.clock.advance(60_000);
    expect(await t.done).toEqual({
      outcome: "timed_out",
      error: { code: "turn_timeout", message: "turn still running after 60000ms", retryable: true },
    });
    expect(t.events).toContainEqual(expect.objectContaining({ type: "turn_failed", reason: "turn_timeout" }));
    await until(() => !pidAlive(bgPid) && !pidAlive(leader), 5_000, "process group to die");
  });
});
