import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { AgentEvent } from "../../../src/domain/agent-event.js";
import { silentLogger } from "../../../src/domain/logger.js";
import { startOrchestratorService } from "../../../src/service.js";
import { systemClock } from "../../../src/util/clock.js";
import { tempRoot } from "../../support/codex-harness.js";
import { startFakeOpenAIChatServer } from "../../support/fake-openai-chat-server.js";
import { until } from "../../support/until.js";
import { buildConfig, staticWorkflowSource } from "../../support/workflow-fixtures.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("a tokens cap interrupts a running turn of the built-in agent", () => {
  it("the first step's usage passes limits.issue.tokens: the tool loop stops before the next model request and the issue is parked", async () => {
    const dirs = tempRoot();
    const server = await startFakeOpenAIChatServer((_request, index) =>
      index === 0
        ? {
            kind: "tool_calls",
            calls: [{ name: "list_files", args: { path: "." } }],
            usage: { input: 900, output: 300 },
          }
        : { kind: "slow", text: "x".repeat(2_000), chunkDelayMs: 20 },
    );
    cleanups.push(dirs.cleanup, () => server.close());
    const config = buildConfig(
      {
        tracker: {
          kind: "memory",
          active_states: ["Todo"],
          terminal_states: ["Done"],
          provider: { issues: [{ id: "b-1", identifier: "BCAP-1", title: "Spend", state: "Todo" }] },
        },
        polling: { interval_ms: 60_000 },
        workspace: { root: join(dirs.root, "workspaces"), rescue: { dir: join(dirs.root, "rescues") } },
        agent: { backend: "builtin", max_turns: 2, max_concurrent_agents: 1 },
        builtin: {
          provider: "openai-compatible",
          model: "gpt-5-mini",
          api_key: "sk-test-0123456789",
          base_url: server.url,
        },
        limits: { issue: { tokens: 1_000 } },
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
    cleanups.push(() => service.stop());
    const events: AgentEvent[] = [];
    service.status.subscribe((e) => {
      if (e.type === "agent_event") events.push(e.event);
    });
    await until(() => service.status.snapshot().blocked.length === 1, 20_000, "the issue is parked");
    const row = service.status.snapshot().blocked[0];
    expect(row?.limit).toMatchObject({ limit: "tokens", used: 1_200, max: 1_000 });
    expect(events.some((e) => e.type === "turn_completed")).toBe(false);
    // priced by the model the built-in agent reported: gpt-5-mini, 900 in + 300 out
    expect(service.status.snapshot().totals.costUsd).toBeCloseTo((900 * 0.25 + 300 * 2) / 1e6, 12);
    // the turn was cut mid-loop: the tool result never went back to the model
    expect(server.requests).toHaveLength(1);
  }, 40_000);
});
