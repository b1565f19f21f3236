import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exitOf, TestCli } from "../support/cli-process.js";
import { startFakeOpenAIChatServer } from "../support/fake-openai-chat-server.js";
import type { FakeModelServer, ScriptedReply } from "../support/fake-streaming-model-server.js";
import { SseClient } from "../support/sse-client.js";
import { makeTempDir } from "../support/temp-dir.js";
import { until } from "../support/until.js";

const MODEL_KEY = "sk-leaky-model-key-0123456789abcdef";
let dir: { path: string; cleanup: () => Promise<void> };
let server: FakeModelServer | null = null;
const cli = new TestCli();

beforeEach(async () => {
  dir = await makeTempDir("symphony-redact-e2e-");
  await mkdir(join(dir.path, "home"));
});
afterEach(async () => {
  cli.kill();
  await server?.close();
  server = null;
  await dir.cleanup();
});

// The model writes the key into a tracker comment, then fails with an error that echoes it (as real
// providers do: "Incorrect API key provided: sk-…").
const script = (_request: unknown, index: number): ScriptedReply =>
  index === 0
    ? {
        kind: "tool_calls",
        calls: [{ name: "update_issue", args: { comment: `debug: my key is ${MODEL_KEY}` } }],
      }
    : {
        kind: "error",
        status: 400,
        message: `Incorrect API key provided: ${MODEL_KEY}`,
        code: "invalid_api_key",
      };

describe("one redactor for everything that leaves the process (end to end)", () => {
  it("a model error and a hook echoing the API key: the key is absent from the API, SSE, run log, event records, tracker comment and service log", async () => {
    server = await startFakeOpenAIChatServer(script);
    const project = join(dir.path, "project");
    await mkdir(join(project, "issues"), { recursive: true });
    const logs = join(dir.path, "logs");
    await writeFile(
      join(project, "WORKFLOW.md"),
      [
        "---",
        "tracker: { kind: local, provider: { path: ./issues } }",
        "polling: { interval_ms: 300 }",
        "workspace: { root: ./ws }",
        "hooks:",
        // a hook that prints a credential (e.g. from a config file it reads)
        `  after_create: echo "hook sees ${MODEL_KEY}"`,
        "agent: { backend: builtin, max_turns: 1, max_retry_backoff_ms: 600000 }",
        "builtin:",
        "  provider: openai-compatible",
        "  model: leaky",
        "  api_key: $MODEL_KEY",
        `  base_url: ${server.url}`,
        "server: { port: 0 }",
        "---",
        "Work on {{ issue.identifier }}",
        "",
      ].join("\n"),
    );
    const run = cli.start(join(project, "WORKFLOW.md"), dir.path, { MODEL_KEY }, ["--logs-root", logs]);
    await until(() => /http server listening.*url=\S+/.test(run.output()), 20_000, "http server");
    const base = (/http server listening.*url=(\S+)/.exec(run.output())?.[1] ?? "").replace(/"/g, "");
    const sse = await SseClient.open(new URL("/api/v1/events", base).href);
    await writeFile(join(project, "issues", "LEAK-1.md"), "---\ntitle: leak\nstate: Todo\n---\n");

    // the attempt fails on the model error and waits in the retry queue with that error
    let state = "";
    await until(
      async () => {
        state = await (await fetch(new URL("/api/v1/state", base))).text();
        return state.includes("LEAK-1") && state.includes('"retrying":[{');
      },
      30_000,
      "failed attempt in the retry queue",
    );
    expect(server.requests.length).toBe(2);
    expect(state).toContain("[REDACTED]");
    expect(state).not.toContain(MODEL_KEY);
    const issue = await (await fetch(new URL("/api/v1/LEAK-1", base))).text();
    expect(issue).toContain("LEAK-1");
    expect(issue).not.toContain(MODEL_KEY);
    const dashboard = await (await fetch(base)).text();
    expect(dashboard).not.toContain(MODEL_KEY);

    await until(() => sse.of("agent_event").length > 0, 10_000, "agent events over SSE");
    const streamed = JSON.stringify([...sse.of("agent_event"), ...sse.of("state")]);
    expect(streamed).toContain("[REDACTED]");
    expect(streamed).not.toContain(MODEL_KEY);
    await sse.close();

    const issueLogs = join(logs, "LEAK-1");
    await until(() => existsSync(issueLogs), 10_000, "run log directory");
    let runLog = "";
    let events = "";
    await until(
      async () => {
        const files = await readdir(issueLogs);
        runLog = (
          await Promise.all(
            files.filter((f) => f.endsWith(".log")).map((f) => readFile(join(issueLogs, f), "utf8")),
          )
        ).join("");
        events = (
          await Promise.all(
            files.filter((f) => f.endsWith(".jsonl")).map((f) => readFile(join(issueLogs, f), "utf8")),
          )
        ).join("");
        return runLog.includes("hook sees") && events.includes("Incorrect API key");
      },
      10_000,
      "run log and event records written",
    );
    expect(runLog).toContain("hook sees [REDACTED]");
    expect(runLog).not.toContain(MODEL_KEY);
    expect(events).not.toContain(MODEL_KEY);

    const tracker = await readFile(join(project, "issues", "LEAK-1.md"), "utf8");
    expect(tracker).toContain("debug: my key is [REDACTED]");
    expect(tracker).not.toContain(MODEL_KEY);

    expect(run.output()).not.toContain(MODEL_KEY);
    const serviceLog = await readFile(join(logs, "symphony.log"), "utf8");
    expect(serviceLog).not.toContain(MODEL_KEY);
    run.proc.kill("SIGTERM");
    expect(await exitOf(run.proc)).toBe(0);
  }, 90_000);
});
