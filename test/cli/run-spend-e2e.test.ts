import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sigtermWithin, TestCli } from "../support/cli-process.js";
import { startFakeOpenAIChatServer } from "../support/fake-openai-chat-server.js";
import { makeTempDir } from "../support/temp-dir.js";
import { until } from "../support/until.js";

let dir: { path: string; cleanup: () => Promise<void> };
const cli = new TestCli();

beforeEach(async () => {
  dir = await makeTempDir("symphony-spend-e2e-");
  await mkdir(join(dir.path, "home"));
});
afterEach(async () => {
  cli.kill();
  await dir.cleanup();
});

const dispatches = (output: string): number => output.split('msg="dispatching issue"').length - 1;

describe("spend control on the real CLI", () => {
  it("with no limits configured, an agent that never moves its issue is stopped by the defaults and the issue says why", async () => {
    const project = join(dir.path, "project");
    await mkdir(join(project, "issues"), { recursive: true });
    await writeFile(join(project, "issues/LOOP-1.md"), "---\ntitle: never finishes\nstate: Todo\n---\n");
    // the agent reads its prompt and ends every turn without touching the issue or the workspace
    await writeFile(
      join(project, "WORKFLOW.md"),
      "---\ntracker:\n  kind: local\n  provider:\n    path: ./issues\nworkspace:\n  root: ./ws\nagent:\n  backend: command\ncommand:\n  run: 'cat > /dev/null'\n---\nWork on {{ issue.identifier }}\n",
    );
    const started = Date.now();
    const { proc } = cli.start(join(project, "WORKFLOW.md"), dir.path);
    await until(() => cli.output().includes('msg="issue parked by a limit"'), 60_000, "the issue is parked");
    expect(Date.now() - started).toBeLessThan(60_000);
    // 20 turns per attempt: the lifetime turns cap (60) trips in the third attempt, before no-progress would
    const key = /msg="issue parked by a limit".* key=(limits\.[a-z_.]+)/.exec(cli.output())?.[1];
    expect(key).toBe("limits.issue.turns");
    const runs = dispatches(cli.output());
    expect(runs).toBeLessThanOrEqual(3);
    // nothing more is spent: no further dispatch while parked
    await new Promise((r) => setTimeout(r, 3_000));
    expect(dispatches(cli.output())).toBe(runs);
    const issue = await readFile(join(project, "issues/LOOP-1.md"), "utf8");
    expect(issue).toContain("Symphony paused work on this issue");
    expect(issue).toContain(key);
    expect(await sigtermWithin(proc, 10_000)).toBe(0);
  }, 90_000);
});

describe("circuit breaker on the real CLI", () => {
  it("repeated 401s from the model open the agent circuit (dispatch pauses), and after the cool-down exactly one probe runs", async () => {
    const server = await startFakeOpenAIChatServer(() => ({
      kind: "error",
      status: 401,
      message: "invalid api key",
      code: "invalid_api_key",
    }));
    try {
      const project = join(dir.path, "project");
      await mkdir(join(project, "issues"), { recursive: true });
      for (const n of [1, 2, 3, 4]) {
        await writeFile(join(project, `issues/AUTH-${n}.md`), `---\ntitle: auth ${n}\nstate: Todo\n---\n`);
      }
      await writeFile(
        join(project, "WORKFLOW.md"),
        [
          "---",
          "tracker: { kind: local, provider: { path: ./issues } }",
          "polling: { interval_ms: 300 }",
          "workspace: { root: ./ws }",
          "agent: { backend: builtin, max_concurrent_agents: 1 }",
          "builtin:",
          "  provider: openai-compatible",
          "  model: e2e-model",
          "  api_key: $MODEL_KEY",
          `  base_url: ${server.url}`,
          "limits: { breaker: { failures: 3, cooldown_ms: 4000 } }",
          "---",
          "Work on {{ issue.identifier }}",
          "",
        ].join("\n"),
      );
      const { proc } = cli.start(join(project, "WORKFLOW.md"), dir.path, {
        MODEL_KEY: "sk-wrong-key-0123456789",
      });
      await until(
        () => cli.output().includes('msg="circuit opened: dispatch paused"'),
        30_000,
        "circuit opened",
      );
      const opened = Date.now();
      expect(cli.output()).toMatch(/msg="circuit opened: dispatch paused".*scope=agent:builtin kind=auth/);
      expect(dispatches(cli.output())).toBe(3);
      // paused: well inside the cool-down nothing is dispatched
      await new Promise((r) => setTimeout(r, 2_500));
      expect(dispatches(cli.output())).toBe(3);
      // half-open after the cool-down: one probe, which fails and re-opens the circuit
      await until(
        () => cli.output().split('msg="circuit opened: dispatch paused"').length - 1 === 2,
        20_000,
        "re-opened",
      );
      expect(Date.now() - opened).toBeGreaterThanOrEqual(3_500);
      expect(dispatches(cli.output())).toBe(4);
      expect(await sigtermWithin(proc, 10_000)).toBe(0);
    } finally {
      await server.close();
    }
  }, 90_000);
});
