import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { AgentEvent } from "../../../src/domain/agent-event.js";
import { silentLogger } from "../../../src/domain/logger.js";
import type { ObserverEvent } from "../../../src/domain/snapshot.js";
import { type OrchestratorService, startOrchestratorService } from "../../../src/service.js";
import { systemClock } from "../../../src/util/clock.js";
import { tempRoot } from "../../support/codex-harness.js";
import { codexCommand, createTestCodexHome } from "../../support/codex-home.js";
import { startFakeModelServer } from "../../support/fake-model-server.js";
import { pidAlive, until } from "../../support/until.js";
import { buildConfig, staticWorkflowSource } from "../../support/workflow-fixtures.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Starts the composed service (memory tracker with one Todo issue, codex backend) on the real clock. */
async function startService(
  dirs: { root: string; home: string },
  codexHome: string,
  approvalPolicy: string,
): Promise<OrchestratorService> {
  const config = buildConfig(
    {
      tracker: {
        kind: "memory",
        active_states: ["Todo"],
        terminal_states: ["Done"],
        provider: {
          issues: [{ id: "e2e-1", identifier: "E2E-1", title: "Write RESULT.txt", state: "Todo" }],
        },
      },
      polling: { interval_ms: 60_000 },
      workspace: { root: join(dirs.root, "workspaces") },
      agent: { backend: "codex", max_turns: 1, max_concurrent_agents: 1 },
      codex: {
        command: `CODEX_HOME=${codexHome} ${codexCommand()}`,
        approval_policy: approvalPolicy,
        read_timeout_ms: 10_000,
      },
    },
    dirs.root,
  );
  const started = await startOrchestratorService({
    source: staticWorkflowSource(config, "Fix {{ issue.identifier }}: {{ issue.title }}"),
    logger: silentLogger,
    clock: systemClock,
    env: { PATH: process.env.PATH ?? "", HOME: dirs.home },
  });
  if (!started.ok) throw new Error(started.error);
  return started.value;
}

describe("end to end: orchestrator → workspace → real codex app-server → fake model", () => {
  it("a shell command the model asked for changes the workspace, the turn completes, and snapshot tokens equal what the model reported", async () => {
    const dirs = tempRoot();
    let firstRunDone = false;
    const model = await startFakeModelServer((req) => {
      // one attempt's worth of answers; any later attempt (a continuation) waits on the model and is stopped
      if (firstRunDone) return { kind: "hang" };
      if (!req.afterToolCall) {
        return {
          kind: "function_call",
          name: "exec_command",
          args: { cmd: "printf 'fixed by codex\\n' > RESULT.txt" },
          usage: { input: 420, output: 35 },
        };
      }
      firstRunDone = true;
      return { kind: "text", text: "RESULT.txt written.", usage: { input: 510, output: 12 } };
    });
    const home = createTestCodexHome(model.baseUrl);
    cleanups.push(dirs.cleanup, home.cleanup, () => model.close());

    const service = await startService(dirs, home.path, "never");
    let stopped = false;
    cleanups.push(() => (stopped ? undefined : service.stop()));

    const events: AgentEvent[] = [];
    service.status.subscribe((e: ObserverEvent) => {
      if (e.type === "agent_event" && e.issueId === "e2e-1") events.push(e.event);
    });
    await until(() => events.some((e) => e.type === "turn_completed"), 20_000, "turn_completed");

    const workspace = join(dirs.root, "workspaces", "E2E-1");
    expect(existsSync(join(workspace, "RESULT.txt"))).toBe(true);
    expect(readFileSync(join(workspace, "RESULT.txt"), "utf8")).toBe("fixed by codex\n");
    expect(model.requests[0]?.lastUserText).toBe("Fix E2E-1: Write RESULT.txt");
    expect(model.reported).toEqual({ input: 930, output: 47, total: 977 });
    await until(() => service.status.snapshot().totals.totalTokens === 977, 5_000, "snapshot totals");
    const totals = service.status.snapshot().totals;
    expect({ input: totals.inputTokens, output: totals.outputTokens, total: totals.totalTokens }).toEqual(
      model.reported,
    );

    const sessionStarted = events.find(
      (e): e is Extract<AgentEvent, { type: "session_started" }> => e.type === "session_started",
    );
    const pid = Number(sessionStarted?.pid);
    stopped = true;
    await service.stop();
    expect(Number.isInteger(pid)).toBe(true);
    expect(pidAlive(pid)).toBe(false);
  });

  it("an approval request under on-request ends in a blocked row holding the question, and the issue is not retried", async () => {
    const dirs = tempRoot();
    const model = await startFakeModelServer((req) =>
      req.afterToolCall
        ? { kind: "text", text: "never reached" }
        : {
            kind: "function_call",
            name: "exec_command",
            args: {
              cmd: "touch /etc/symphony-e2e",
              sandbox_permissions: "require_escalated",
              justification: "system file",
            },
          },
    );
    const home = createTestCodexHome(model.baseUrl);
    cleanups.push(dirs.cleanup, home.cleanup, () => model.close());
    const service = await startService(dirs, home.path, "on-request");
    cleanups.push(() => service.stop());
    await until(() => service.status.snapshot().blocked.length === 1, 20_000, "blocked row");
    const row = service.status.snapshot().blocked[0];
    expect(row).toMatchObject({ identifier: "E2E-1", kind: "approval" });
    expect(row?.question).toContain("touch /etc/symphony-e2e");
    expect(service.status.snapshot().running).toEqual([]);
    expect(service.status.snapshot().retrying).toEqual([]);
    expect(model.requests).toHaveLength(1);
  });
});
