import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exitOf, startCliArgs, TestCli } from "../support/cli-process.js";
import { startFakeAnthropicServer } from "../support/fake-anthropic-server.js";
import { startFakeOpenAIChatServer } from "../support/fake-openai-chat-server.js";
import type { FakeModelServer, ScriptedReply } from "../support/fake-streaming-model-server.js";
import { makeTempDir } from "../support/temp-dir.js";
import { until } from "../support/until.js";

const MODEL_KEY = "sk-e2e-model-key-0123456789";
let dir: { path: string; cleanup: () => Promise<void> };
let server: FakeModelServer | null = null;
const cli = new TestCli();

beforeEach(async () => {
  dir = await makeTempDir("symphony-builtin-e2e-");
  await mkdir(join(dir.path, "home"));
});
afterEach(async () => {
  cli.kill();
  await server?.close();
  server = null;
  await dir.cleanup();
});

/** The model's script: fix the file, hand the issue off through the tracker tool, answer. */
const script = (_request: unknown, index: number): ScriptedReply => {
  const steps: ScriptedReply[] = [
    {
      kind: "tool_calls",
      text: "Fixing the typo.",
      calls: [{ name: "edit_file", args: { path: "greeting.txt", old_string: "Helo", new_string: "Hello" } }],
      usage: { input: 400, output: 40 },
    },
    {
      kind: "tool_calls",
      calls: [{ name: "run_command", args: { command: "cat greeting.txt; echo key=$MODEL_KEY." } }],
      usage: { input: 450, output: 35 },
    },
    {
      kind: "tool_calls",
      calls: [{ name: "update_issue", args: { state: "Human Review", comment: "Fixed the greeting typo." } }],
      usage: { input: 500, output: 30 },
    },
    { kind: "text", text: "Fixed the typo and handed the issue off.", usage: { input: 600, output: 20 } },
  ];
  return steps[index] ?? { kind: "text", text: "Nothing left to do.", usage: { input: 10, output: 5 } };
};

async function writeProject(provider: string, baseUrl: string): Promise<string> {
  const project = join(dir.path, "project");
  await mkdir(join(project, "issues"), { recursive: true });
  await writeFile(
    join(project, "issues", "BI-1.md"),
    "---\ntitle: Fix the greeting typo\nstate: Todo\n---\ngreeting.txt says Helo; it should say Hello.\n",
  );
  const workflow = [
    "---",
    "tracker:",
    "  kind: local",
    "  provider: { path: ./issues }",
    "  active_states: [Todo]",
    "  terminal_states: [Done]",
    "polling: { interval_ms: 500 }",
    "workspace: { root: ./ws }",
    "hooks:",
    "  after_create: printf 'Helo, world\\n' > greeting.txt",
    "agent: { backend: builtin, max_turns: 2 }",
    "builtin:",
    `  provider: ${provider}`,
    "  model: e2e-model",
    "  api_key: $MODEL_KEY",
    `  base_url: ${baseUrl}`,
    "server: { port: 0 }",
    // priced so the attempt's cost is known: US$1 per million input tokens, US$10 per million output
    "limits: { prices: { e2e-model: { input: 1, output: 10 } } }",
    "---",
    "Fix {{ issue.identifier }}: {{ issue.title }}. {{ issue.description }}",
    "When done, move the issue to Human Review with the update_issue tool.",
    "",
  ].join("\n");
  await writeFile(join(project, "WORKFLOW.md"), workflow);
  return project;
}

describe("symphony run with agent.backend: builtin on the local tracker (end to end)", () => {
  it.each([
    ["openai-compatible", startFakeOpenAIChatServer],
    ["anthropic", startFakeAnthropicServer],
  ] as const)(
    "%s: the agent fixes the file, runs a command, hands the issue off via update_issue; tokens reach the snapshot",
    async (provider, start) => {
      server = await start(script);
      const project = await writeProject(provider, server.url);
      const { proc } = cli.start(join(project, "WORKFLOW.md"), dir.path, {
        MODEL_KEY,
      });
      await until(() => /http server listening.*url=\S+/.test(cli.output()), 20_000, "http server");
      const url = /http server listening.*url=(\S+)/.exec(cli.output())?.[1]?.replace(/"/g, "") ?? "";
      await until(
        async () =>
          (await readFile(join(project, "issues", "BI-1.md"), "utf8")).includes("state: Human Review"),
        20_000,
        "issue handed off",
      );
      expect(await readFile(join(project, "ws", "BI-1", "greeting.txt"), "utf8")).toBe("Hello, world\n");
      expect(await readFile(join(project, "issues", "BI-1.md"), "utf8")).toContain(
        "Fixed the greeting typo.",
      );
      await until(() => /msg="worker exited".*outcome=completed/.test(cli.output()), 20_000, "worker exit");
      // biome-ignore lint/suspicious/noExplicitAny: the state API's JSON
      let state: any = null;
      await until(
        async () => {
          state = await (await fetch(new URL("/api/v1/state", url))).json();
          return state.codex_totals.total_tokens >= 2_075 && state.counts.running === 0;
        },
        20_000,
        "tokens in the snapshot",
      );
      expect(state.codex_totals).toMatchObject({
        input_tokens: 1_950,
        output_tokens: 125,
        total_tokens: 2_075,
      });
      expect(state.backend).toBe("builtin");
      expect(server.requests.length).toBe(4);
      // the command ran in the workspace after the edit, and the model key never reached its environment
      const commandResult = JSON.stringify(server.requests[2]?.body);
      expect(commandResult).toContain("exit code 0");
      expect(commandResult).toContain("Hello, world");
      expect(commandResult).toContain("key=.");
      expect(cli.output()).toMatch(/event=tool_call.*edit_file greeting.txt/);
      expect(cli.output()).not.toContain(MODEL_KEY);
      // 1,950 input + 125 output tokens at the workflow's prices = US$0.0032, today and in the totals
      expect(state.codex_totals.cost_usd).toBeCloseTo(0.0032, 9);
      expect(state.spend.today.cost_usd).toBeCloseTo(0.0032, 9);
      proc.kill("SIGTERM");
      expect(await exitOf(proc)).toBe(0);
      // the attempt, its tokens and its cost are in the store for `symphony runs`
      const runs = startCliArgs(
        ["runs", join(project, "WORKFLOW.md"), "--json"],
        dir.path,
        join(dir.path, "home"),
      );
      expect(await exitOf(runs.proc)).toBe(0);
      const recorded = JSON.parse(runs.output()).runs;
      expect(recorded).toHaveLength(1);
      expect(recorded[0]).toMatchObject({
        issue_identifier: "BI-1",
        outcome: "completed",
        backend: "builtin",
      });
      expect(recorded[0].cost_usd).toBeCloseTo(0.0032, 9);
      const table = startCliArgs(["runs", join(project, "WORKFLOW.md")], dir.path, join(dir.path, "home"));
      expect(await exitOf(table.proc)).toBe(0);
      expect(table.output()).toMatch(/BI-1 .* 1950\/125\/2075 +\$0\.0032 /);
    },
  );
});
