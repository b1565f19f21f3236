import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { continuationGuidance, createWorkerLauncher } from "../../src/agent/runner.js";
import type { ServiceConfig } from "../../src/config/types.js";
import { silentLogger } from "../../src/domain/logger.js";
import { ok } from "../../src/domain/result.js";
import { SshHostError } from "../../src/hosts/ssh.js";
import type { WorkerRequest } from "../../src/orchestrator/worker.js";
import { MemoryTracker } from "../../src/tracker/memory/adapter.js";
import { createWorkspaceManager } from "../../src/workspace/manager.js";
import { ManualClock } from "../support/manual-clock.js";
import { FakeHost } from "../support/orchestrator/fake-host.js";
import { type ConfigOverrides, makeIssue, testConfig } from "../support/orchestrator/fixtures.js";
import { ScriptedBackend, succeed, type TurnScript } from "../support/orchestrator/scripted-backend.js";
import { makeTempDir } from "../support/temp-dir.js";
import { until } from "../support/until.js";
import { staticWorkflowSource } from "../support/workflow-fixtures.js";

let dir: { path: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  dir = await makeTempDir("symphony-runner-");
});
afterEach(async () => dir.cleanup());

function setup(script: TurnScript, overrides: ConfigOverrides = {}, template?: string) {
  const config: ServiceConfig = testConfig(dir.path, {
    hooks: { beforeRun: "before", afterRun: "after" },
    agent: { maxTurns: 3 },
    ...overrides,
  });
  const workflow = staticWorkflowSource(config, template ?? "Work on {{ issue.identifier }}");
  const issue = makeIssue({ identifier: "RUN-1" });
  const tracker = new MemoryTracker([issue], config.tracker.terminalStates);
  const host = new FakeHost();
  const backend = new ScriptedBackend(script);
  const clock = new ManualClock();
  const hostNames: string[] = [];
  const hosts = (name: string) => {
    hostNames.push(name);
    return host;
  };
  const workspaces = createWorkspaceManager({
    hosts,
    logger: silentLogger,
    clock,
    config: () => config,
    hookEnv: () => ({}),
  });
  const launch = createWorkerLauncher({
    hosts,
    workspaces,
    tracker: () => tracker,
    backendFor: () => ok(backend),
    agentEnv: (i, path) => ({ SYMPHONY_ISSUE_ID: i.id, SYMPHONY_WORKSPACE: path }),
    logger: silentLogger,
    clock,
  });
  const controller = new AbortController();
  const events: string[] = [];
  const hooks: string[] = [];
  let workspace: string | null = null;
  const request = (): WorkerRequest => ({
    issue,
    attempt: null,
    runId: "r1",
    host: overrides.worker?.sshHosts?.[0] ?? "local",
    workflow: workflow.current(),
    signal: controller.signal,
    cleanupSignal: new AbortController().signal,
    onEvent: (e) => events.push(e.type),
    onHook: (r) => hooks.push(`${r.hook}:${r.ok}`),
    onWorkspace: (p) => {
      workspace = p;
    },
  });
  return {
    issue,
    tracker,
    host,
    hostNames,
    backend,
    controller,
    events,
    hooks,
    run: () => launch(request()),
    workspace: () => workspace,
    clock,
  };
}

describe("16.5 worker attempt", () => {
  it("17.2: the agent is launched with the per-issue workspace as cwd; hooks wrap the attempt", async () => {
    let turns = 0;
    const exit = await setup(async (_p, input, opts) => {
      turns = input.turn;
      expect(opts.workspacePath).toBe(join(dir.path, "workspaces", "RUN-1"));
      expect(opts.env.SYMPHONY_WORKSPACE).toBe(opts.workspacePath);
      return ok(undefined);
    }).run();
    expect(exit).toEqual({ outcome: "completed", turns: 3 });
    expect(turns).toBe(3);
  });

  it("the first turn renders the full prompt; continuation turns send guidance on the same session", async () => {
    const t = setup(succeed, {}, "Full task for {{ issue.identifier }}");
    const exit = await t.run();
    expect(exit).toEqual({ outcome: "completed", turns: 3 });
    expect(t.backend.sessions).toHaveLength(1);
    const prompts = t.backend.sessions[0]?.prompts ?? [];
    expect(prompts[0]).toBe("Full task for RUN-1");
    expect(prompts[1]).toBe(continuationGuidance(t.issue, 2, 3));
    expect(prompts[2]).toContain("turn 3 of at most 3");
    expect(t.backend.sessions[0]?.stopped).toBe(true);
    expect(t.host.scripts.map((s) => s.script)).toEqual(["before", "after"]);
    expect(t.hooks).toEqual(["before_run:true", "after_run:true"]);
  });

  it("the issue is re-checked between turns; leaving the active states ends the attempt normally", async () => {
    let tracker: MemoryTracker | null = null;
    const t = setup(async (_p, input) => {
      if (input.turn === 2) tracker?.update("id-RUN-1", { state: "Human Review" });
      return ok(undefined);
    });
    tracker = t.tracker;
    expect(await t.run()).toEqual({ outcome: "completed", turns: 2 });
  });

  it("a turn failure fails the attempt; after_run still runs and its failure is ignored", async () => {
    const t = setup(async () => ({
      ok: false,
      error: { category: "turn_failed", message: "model said no" },
    }));
    t.host.behaviours.set("after", { exitCode: 1, output: "after broke" });
    expect(await t.run()).toEqual({
      outcome: "failed",
      error: { code: "turn_failed", message: "model said no", retryable: true },
    });
    expect(t.host.scripts.map((s) => s.script)).toEqual(["before", "after"]);
    expect(t.hooks).toEqual(["before_run:true", "after_run:false"]);
  });

  it("17.2: a before_run failure aborts the attempt before any session starts", async () => {
    const t = setup(succeed);
    t.host.behaviours.set("before", { exitCode: 2 });
    expect(await t.run()).toEqual({
      outcome: "failed",
      error: { code: "hook_failed", message: "before_run exited 2", retryable: true },
    });
    expect(t.backend.sessions).toHaveLength(0);
  });

  it("a session startup failure fails the attempt and runs after_run", async () => {
    const t = setup(succeed);
    t.backend.startError = { category: "agent_not_found", message: "no such binary" };
    expect(await t.run()).toEqual({
      outcome: "failed",
      error: { code: "agent_not_found", message: "no such binary", retryable: false },
    });
    expect(t.host.scripts.map((s) => s.script)).toEqual(["before", "after"]);
  });

  it("a prompt that cannot render fails the attempt", async () => {
    const t = setup(succeed, {}, "{{ issue.no_such_field }}");
    expect(await t.run()).toMatchObject({
      outcome: "failed",
      error: { code: "prompt_error", retryable: false },
    });
  });

  it("an agent asking for user input ends the attempt as blocked with the question", async () => {
    const t = setup(async () => ({
      ok: false,
      error: { category: "input_required", message: "needs input", question: "Which branch?" },
    }));
    expect(await t.run()).toEqual({ outcome: "blocked", kind: "user_input", question: "Which branch?" });
  });

  it("an aborted run is cancelled: the session is stopped and after_run runs", async () => {
    const t = setup(() => "hang");
    const done = t.run();
    setTimeout(() => t.controller.abort("reconcile"), 20);
    expect(await done).toEqual({ outcome: "cancelled", reason: "reconcile" });
    expect(t.backend.sessions[0]?.stopped).toBe(true);
    expect(t.host.scripts.map((s) => s.script)).toEqual(["before", "after"]);
  });

  it.each([
    ["terminal", { outcome: "completed", turns: 1 }],
    ["inactive", { outcome: "completed", turns: 1 }],
    ["shutdown", { outcome: "cancelled", reason: "shutdown" }],
  ])(
    "a stop (%s) that lands right after a turn finished: the issue left the active states → completed, else cancelled",
    async (reason, expected) => {
      let stop: AbortController | null = null;
      // the agent finishes its turn (e.g. it moved the issue to Done) and the poll's stop arrives before the runner looks
      const t = setup(async () => {
        stop?.abort(reason);
        return ok(undefined);
      });
      stop = t.controller;
      expect(await t.run()).toEqual(expected);
      expect(t.backend.sessions[0]?.stopped).toBe(true);
    },
  );

  it("the turn timeout is the runner's wall clock (agent.turn_timeout_ms on the injected clock): timed_out", async () => {
    const t = setup(() => "hang", { agent: { maxTurns: 3, turnTimeoutMs: 60_000 } });
    const done = t.run();
    await until(() => t.backend.sessions[0]?.prompts.length === 1, 5_000, "turn started");
    t.clock.advance(59_999);
    await new Promise((r) => setImmediate(r));
    let settled = false;
    void done.then(() => {
      settled = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    t.clock.advance(1);
    expect(await done).toEqual({
      outcome: "timed_out",
      error: { code: "turn_timeout", message: "turn still running after 60000ms", retryable: true },
    });
    expect(t.backend.sessions[0]?.stopped).toBe(true);
    expect(t.clock.pendingTimers).toBe(0);
  });

  it("each turn gets a fresh timeout; a turn that ends in time clears its timer", async () => {
    const t = setup(succeed, { agent: { maxTurns: 3, turnTimeoutMs: 60_000 } });
    expect(await t.run()).toEqual({ outcome: "completed", turns: 3 });
    expect(t.clock.pendingTimers).toBe(0);
  });

  it("a failed issue refresh between turns fails the attempt", async () => {
    let tracker: MemoryTracker | null = null;
    const t = setup(async () => {
      tracker?.failNext("tracker_status", "HTTP 500");
      return ok(undefined);
    });
    tracker = t.tracker;
    expect(await t.run()).toEqual({
      outcome: "failed",
      error: { code: "tracker_status", message: "HTTP 500", retryable: expect.any(Boolean) },
    });
  });

  it("A.1: workspace, hooks and agent session all use the host assigned at dispatch", async () => {
    let sessionHost: string | null = null;
    const t = setup(
      async (_p, _input, opts) => {
        sessionHost = opts.host.name;
        return ok(undefined);
      },
      { worker: { sshHosts: ["w1"], maxConcurrentAgentsPerHost: null } },
    );
    expect(await t.run()).toMatchObject({ outcome: "completed" });
    expect(new Set(t.hostNames)).toEqual(new Set(["w1"]));
    expect(sessionHost).toBe("local"); // the fake resolver answers every name with one FakeHost
  });

  it("A.2: an SSH host unreachable while preparing the workspace fails the attempt as hostUnreachable", async () => {
    const t = setup(succeed, { worker: { sshHosts: ["w1"], maxConcurrentAgentsPerHost: null } });
    t.host.ensureDir = async () => {
      throw new SshHostError("unreachable", "w1", { exitCode: 255, output: "" }, "ssh to w1 failed");
    };
    // the host classifies its own failures (an SSH host does so for SshHostError "unreachable")
    t.host.failureOf = (cause) =>
      cause instanceof SshHostError ? { kind: "unreachable", host: "w1", message: cause.message } : null;
    expect(await t.run()).toEqual({
      outcome: "failed",
      error: { code: "host_unreachable", message: expect.stringContaining("w1"), retryable: true },
      hostUnreachable: true,
    });
    expect(t.backend.sessions).toHaveLength(0);
  });

  it("a workspace error fails the attempt with its kind", async () => {
    await writeFile(join(dir.path, "root-file"), "x");
    const t = setup(succeed, { workspace: { root: join(dir.path, "root-file") } });
    expect(await t.run()).toMatchObject({
      outcome: "failed",
      error: { code: "workspace_root_invalid", retryable: false },
    });
  });
});
