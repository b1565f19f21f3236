import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { AgentEvent } from "../../../src/domain/agent-event.js";
import { silentLogger } from "../../../src/domain/logger.js";
import { startOrchestratorService } from "../../../src/service.js";
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

describe("a tokens cap interrupts a running turn of the real codex app-server", () => {
  it("usage past limits.issue.tokens stops the turn mid-flight, parks the issue with the limit, and leaves no codex process", async () => {
    const dirs = tempRoot();
    // first response: a tool call costing 455 tokens; after it the model never answers (the turn would hang)
    const model = await startFakeModelServer((req) =>
      req.afterToolCall
        ? { kind: "hang" }
        : {
            kind: "function_call",
            name: "exec_command",
            args: { cmd: "echo hi" },
            usage: { input: 420, output: 35 },
          },
    );
    const home = createTestCodexHome(model.baseUrl);
    cleanups.push(dirs.cleanup, home.cleanup, () => model.close());
    const config = buildConfig(
      {
        tracker: {
          kind: "memory",
          active_states: ["Todo"],
          terminal_states: ["Done"],
          provider: { issues: [{ id: "cap-1", identifier: "CAP-1", title: "Spend", state: "Todo" }] },
        },
        polling: { interval_ms: 60_000 },
        workspace: { root: join(dirs.root, "workspaces"), rescue: { dir: join(dirs.root, "rescues") } },
        agent: { backend: "codex", max_turns: 3, max_concurrent_agents: 1 },
        codex: {
          command: `CODEX_HOME=${home.path} ${codexCommand()}`,
          approval_policy: "never",
          read_timeout_ms: 10_000,
        },
        limits: { issue: { tokens: 400 } },
      },
      dirs.root,
    );
    const started = await startOrchestratorService({
      source: staticWorkflowSource(config, "Work on {{ issue.identifier }}"),
      logger: silentLogger,
      clock: systemClock,
      env: { PATH: process.env.PATH ?? "", HOME: dirs.home },
    });
    if (!started.ok) throw new Error(started.error);
    const service = started.value;
    let stopped = false;
    cleanups.push(() => (stopped ? undefined : service.stop()));
    const events: AgentEvent[] = [];
    service.status.subscribe((e) => {
      if (e.type === "agent_event") events.push(e.event);
    });

    await until(() => service.status.snapshot().blocked.length === 1, 30_000, "the issue is parked");
    const row = service.status.snapshot().blocked[0];
    expect(row).toMatchObject({ identifier: "CAP-1", kind: "budget" });
    expect(row?.limit).toMatchObject({
      limit: "tokens",
      scope: "issue",
      max: 400,
      key: "limits.issue.tokens",
    });
    expect(row?.limit?.used).toBeGreaterThanOrEqual(455);
    expect(events.some((e) => e.type === "turn_completed")).toBe(false);
    expect(service.status.snapshot().running).toEqual([]);
    expect(service.status.snapshot().retrying).toEqual([]);
    const session = events.find(
      (e): e is Extract<AgentEvent, { type: "session_started" }> => e.type === "session_started",
    );
    const pid = Number(session?.pid);
    stopped = true;
    await service.stop();
    expect(Number.isInteger(pid)).toBe(true);
    expect(pidAlive(pid)).toBe(false);
  }, 60_000);
});
