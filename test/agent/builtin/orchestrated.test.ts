import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/domain/logger.js";
import { preflight, startOrchestratorService } from "../../../src/service.js";
import { systemClock } from "../../../src/util/clock.js";
import { startFakeAnthropicServer } from "../../support/fake-anthropic-server.js";
import { startFakeOpenAIChatServer } from "../../support/fake-openai-chat-server.js";
import type { FakeModelServer, ScriptedReply } from "../../support/fake-streaming-model-server.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { until } from "../../support/until.js";
import { buildConfig, staticWorkflowSource } from "../../support/workflow-fixtures.js";

let dir: { path: string; cleanup: () => Promise<void> };
let server: FakeModelServer | null = null;

beforeEach(async () => {
  dir = await makeTempDir("symphony-builtin-orch-");
  await mkdir(join(dir.path, "issues"));
  await mkdir(join(dir.path, "home"));
});
afterEach(async () => {
  await server?.close();
  server = null;
  await dir.cleanup();
});

const script: ScriptedReply[] = [
  {
    kind: "tool_calls",
    calls: [{ name: "write_file", args: { path: "CHANGELOG.md", content: "- fixed\n" } }],
    usage: { input: 300, output: 25 },
  },
  {
    kind: "tool_calls",
    calls: [{ name: "update_issue", args: { state: "Human Review" } }],
    usage: { input: 350, output: 15 },
  },
  { kind: "text", text: "Handed off.", usage: { input: 400, output: 10 } },
];

function builtinWorkflow(provider: string, baseUrl: string) {
  return buildConfig(
    {
      tracker: { kind: "local", provider: { path: "./issues" }, active_states: ["Todo"] },
      workspace: { root: "./ws" },
      agent: { backend: "builtin", max_turns: 2 },
      builtin: { provider, model: "m", api_key: "$MODEL_KEY", base_url: baseUrl },
    },
    dir.path,
    { MODEL_KEY: "sk-orch" },
  );
}

describe("the builtin backend under the real orchestrator, runner and local tracker", () => {
  it.each([
    ["openai-compatible", startFakeOpenAIChatServer],
    ["anthropic", startFakeAnthropicServer],
  ] as const)(
    "%s: the run completes, the issue is handed off, tokens appear in the snapshot",
    async (provider, start) => {
      server = await start(script);
      await writeFile(join(dir.path, "issues", "ORC-1.md"), "---\ntitle: changelog\nstate: Todo\n---\n");
      const started = await startOrchestratorService({
        source: staticWorkflowSource(builtinWorkflow(provider, server.url), "Work on {{ issue.identifier }}"),
        logger: silentLogger,
        clock: systemClock,
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: join(dir.path, "home") },
      });
      if (!started.ok) throw new Error(started.error);
      try {
        const status = started.value.status;
        await until(() => status.snapshot().totals.runsSucceeded === 1, 15_000, "run to succeed");
        const totals = status.snapshot().totals;
        expect(totals).toMatchObject({ inputTokens: 1_050, outputTokens: 50, totalTokens: 1_100 });
        expect(status.snapshot().workflow.backend).toBe("builtin");
        expect(await readFile(join(dir.path, "ws", "ORC-1", "CHANGELOG.md"), "utf8")).toBe("- fixed\n");
        expect(await readFile(join(dir.path, "issues", "ORC-1.md"), "utf8")).toContain("state: Human Review");
        expect(server.requests).toHaveLength(3);
      } finally {
        await started.value.stop();
      }
    },
  );

  it("dispatch preflight reports an invalid builtin section", () => {
    const config = buildConfig(
      { agent: { backend: "builtin" }, builtin: { provider: "google", model: "gemini-x" } },
      dir.path,
    );
    expect(preflight(config)).toContain("builtin.api_key: is required for provider google");
  });
});
