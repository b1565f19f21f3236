import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exitOf, TestCli } from "../support/cli-process.js";
import { makeTempDir } from "../support/temp-dir.js";
import { until } from "../support/until.js";

let dir: { path: string; cleanup: () => Promise<void> };
const cli = new TestCli();

beforeEach(async () => {
  dir = await makeTempDir("symphony-command-e2e-");
  await mkdir(join(dir.path, "home"));
});
afterEach(async () => {
  cli.kill();
  await dir.cleanup();
});

/** A local-tracker project whose agent is `command.run`, with the HTTP API on a free port. */
async function writeProject(run: string): Promise<string> {
  const project = join(dir.path, "project");
  await mkdir(join(project, "issues"), { recursive: true });
  await writeFile(join(project, "issues", "CE-1.md"), "---\ntitle: Fail loudly\nstate: Todo\n---\nbody\n");
  const workflow = [
    "---",
    "tracker:",
    "  kind: local",
    "  provider: { path: ./issues }",
    "  active_states: [Todo]",
    "  terminal_states: [Done]",
    "polling: { interval_ms: 60000 }",
    "workspace: { root: ./ws }",
    "agent: { backend: command, max_turns: 1 }",
    `command: { run: ${JSON.stringify(run)} }`,
    "server: { port: 0 }",
    "---",
    "Work on {{ issue.identifier }}",
    "",
  ].join("\n");
  await writeFile(join(project, "WORKFLOW.md"), workflow);
  return project;
}

async function apiUrl(): Promise<string> {
  await until(() => /http server listening.*url=\S+/.test(cli.output()), 20_000, "http server");
  return /http server listening.*url=(\S+)/.exec(cli.output())?.[1]?.replace(/"/g, "") ?? "";
}

describe("symphony run with agent.backend: command (end to end)", () => {
  it("a failed turn keeps its typed error to the edge: retry rows and the issue API carry error_detail", async () => {
    const project = await writeProject("echo 'about to fail' >&2; exit 3");
    const { proc } = cli.start(join(project, "WORKFLOW.md"), dir.path);
    const url = await apiUrl();
    // biome-ignore lint/suspicious/noExplicitAny: the state API's JSON
    let state: any = null;
    await until(
      async () => {
        state = await (await fetch(new URL("/api/v1/state", url))).json();
        return state.retrying.length === 1;
      },
      20_000,
      "a retry row",
    );
    const detail = { code: "process_exit", message: "command exited with 3", retryable: true };
    expect(state.retrying[0]).toMatchObject({
      issue_identifier: "CE-1",
      error: "process_exit: command exited with 3",
      error_detail: detail,
    });
    // biome-ignore lint/suspicious/noExplicitAny: the issue API's JSON
    const issue: any = await (await fetch(new URL("/api/v1/CE-1", url))).json();
    expect(issue).toMatchObject({
      status: "retrying",
      last_error: "process_exit: command exited with 3",
      error_detail: detail,
      retry: { error_detail: detail },
    });
    expect(cli.output()).toMatch(/msg="worker exited".*outcome=failed.*error_code=process_exit/);
    proc.kill("SIGTERM");
    expect(await exitOf(proc)).toBe(0);
  });
});
