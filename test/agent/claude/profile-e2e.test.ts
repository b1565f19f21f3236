import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { silentLogger } from "../../../src/domain/logger.js";
import { stateJson } from "../../../src/observability/http/api-shapes.js";
import { startOrchestratorService } from "../../../src/service.js";
import { systemClock } from "../../../src/util/clock.js";
import { tempRoot } from "../../support/codex-harness.js";
import { startFakeAnthropicServer } from "../../support/fake-anthropic-server.js";
import { CLAUDE, describeNeeding } from "../../support/tools.js";
import { until } from "../../support/until.js";
import { buildConfig, staticWorkflowSource } from "../../support/workflow-fixtures.js";

// Choosing the agent per issue, end to end: the composed service (memory tracker) runs the issue labelled
// `agent:claude` on the real Claude Code CLI (profile `claude`, fake Anthropic API) and the other issue on
// the top-level command backend; the snapshot and the API say which ran.

const needs = describeNeeding([CLAUDE]);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

needs.describe("profiles end to end (real Claude Code CLI for a labelled issue)", { timeout: 90_000 }, () => {
  it("a label selects the claude profile; the other issue runs on agent.backend; snapshot and API show which ran", async () => {
    const dirs = tempRoot();
    const model = await startFakeAnthropicServer((req) =>
      (req.body?.tools ?? []).length === 0 ||
      JSON.stringify(req.body?.messages?.at(-1)).includes('"tool_result"')
        ? { kind: "text", text: "Written." }
        : {
            kind: "tool_calls",
            calls: [{ name: "Write", args: { file_path: "BY_CLAUDE.txt", content: "claude\n" } }],
          },
    );
    cleanups.push(dirs.cleanup, () => model.close());
    const config = buildConfig(
      {
        tracker: {
          kind: "memory",
          active_states: ["Todo"],
          terminal_states: ["Done"],
          provider: {
            issues: [
              { id: "p-1", identifier: "P-1", title: "for claude", state: "Todo", labels: ["agent:claude"] },
              { id: "p-2", identifier: "P-2", title: "for the command", state: "Todo" },
            ],
          },
        },
        polling: { interval_ms: 60_000 },
        workspace: { root: join(dirs.root, "workspaces") },
        agent: { backend: "command", max_turns: 1, max_concurrent_agents: 2 },
        command: { run: "echo from-command > BY_COMMAND.txt" },
        profiles: {
          claude: {
            backend: "claude",
            claude: {
              command: CLAUDE.path,
              permission_mode: "acceptEdits",
              env_passthrough: ["ANTHROPIC_BASE_URL", "ANTHROPIC_API_KEY", "CLAUDE_CODE_MAX_RETRIES"],
            },
          },
        },
      },
      dirs.root,
    );
    const started = await startOrchestratorService({
      source: staticWorkflowSource(config, "Work on {{ issue.identifier }}"),
      logger: silentLogger,
      clock: systemClock,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: dirs.home,
        ANTHROPIC_BASE_URL: model.url.replace(/\/v1$/, ""),
        ANTHROPIC_API_KEY: "sk-ant-e2e",
        CLAUDE_CODE_MAX_RETRIES: "0",
      },
    });
    if (!started.ok) throw new Error(started.error);
    const service = started.value;
    cleanups.push(() => service.stop());

    const finished = (id: string) => service.status.snapshot().finished?.find((f) => f.identifier === id);
    await until(() => finished("P-1") !== undefined && finished("P-2") !== undefined, 60_000, "both runs");
    expect(finished("P-1")).toMatchObject({ backend: "claude", profile: "claude", outcome: "completed" });
    expect(finished("P-2")).toMatchObject({ backend: "command", profile: null, outcome: "completed" });
    const ws = join(dirs.root, "workspaces");
    expect(readFileSync(join(ws, "P-1", "BY_CLAUDE.txt"), "utf8")).toBe("claude\n");
    expect(existsSync(join(ws, "P-1", "BY_COMMAND.txt"))).toBe(false);
    expect(readFileSync(join(ws, "P-2", "BY_COMMAND.txt"), "utf8")).toBe("from-command\n");
    expect(model.requests.length).toBeGreaterThan(0);
    const api = stateJson(service.status.snapshot()) as {
      finished?: { issue_identifier: string; backend: string; profile: string | null }[];
    };
    expect(api.finished?.find((f) => f.issue_identifier === "P-1")).toMatchObject({
      backend: "claude",
      profile: "claude",
    });
  });
});
