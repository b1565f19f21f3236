import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exitOf, TestCli } from "../support/cli-process.js";
import { makeTempDir } from "../support/temp-dir.js";
import { until } from "../support/until.js";

const PEER = fileURLToPath(new URL("../support/fake-app-server.mjs", import.meta.url));

let dir: { path: string; cleanup: () => Promise<void> };
const cli = new TestCli();

beforeEach(async () => {
  dir = await makeTempDir("symphony-codex-session-e2e-");
  await mkdir(join(dir.path, "home"));
});
afterEach(async () => {
  cli.kill();
  await dir.cleanup();
});

/** A local-tracker project with one active issue, the given agent section, and the API on a free port. */
async function writeProject(agent: readonly string[]): Promise<string> {
  const project = join(dir.path, "project");
  await mkdir(join(project, "issues"), { recursive: true });
  await writeFile(join(project, "issues", "SE-1.md"), "---\ntitle: Hang around\nstate: Todo\n---\nbody\n");
  const workflow = [
    "---",
    "tracker:",
    "  kind: local",
    "  provider: { path: ./issues }",
    "  active_states: [Todo]",
    "  terminal_states: [Done]",
    "polling: { interval_ms: 200 }",
    "workspace: { root: ./ws }",
    ...agent,
    "server: { port: 0 }",
    "---",
    "Work on {{ issue.identifier }}",
    "",
  ].join("\n");
  await writeFile(join(project, "WORKFLOW.md"), workflow);
  return project;
}

/** Log lines of issue SE-1 from the first session line on (one per line of CLI output). */
function sessionLines(output: string): string[] {
  const lines = output.split("\n").filter((l) => l.includes("issue_identifier=SE-1"));
  const first = lines.findIndex((l) => l.includes("session started ("));
  return first === -1 ? [] : lines.slice(first);
}

describe("codex and command sessions, end to end through the CLI", () => {
  it("8.5: a hung codex turn that writes stderr forever is stalled; only protocol progress counts", async () => {
    const project = await writeProject([
      "agent: { backend: codex, max_turns: 1 }",
      "codex:",
      `  command: ${JSON.stringify(`node ${PEER} stderr-forever`)}`,
      "  stall_timeout_ms: 1500",
    ]);
    const { proc } = cli.start(join(project, "WORKFLOW.md"), dir.path);
    await until(() => /msg="worker exited".*outcome=stalled/.test(cli.output()), 20_000, "stalled exit");
    // the stall fired while stderr was still flowing: lines kept arriving right up to it
    const lines = cli.output().split("\n");
    const exitAt = lines.findIndex((l) => /msg="worker exited"/.test(l));
    const stderrBefore = lines.slice(0, exitAt).filter((l) => /msg="codex stderr"/.test(l));
    expect(stderrBefore.length).toBeGreaterThan(10);
    expect(lines[exitAt]).toMatch(/error_code=stalled/);
    proc.kill("SIGTERM");
    expect(await exitOf(proc)).toBe(0);
  });

  it.each([
    [
      "codex",
      [
        "agent: { backend: codex, max_turns: 1 }",
        `codex: { command: ${JSON.stringify(`node ${PEER} stderr-forever`)}, stall_timeout_ms: 1500 }`,
      ],
      /msg="worker exited"/,
      "thread-1-turn-1",
    ],
    [
      "command",
      [
        "agent: { backend: command, max_turns: 1 }",
        `command: { run: ${JSON.stringify("echo working; echo 'a warning' >&2; exit 0")} }`,
      ],
      /msg="worker exited"/,
      /cmd-[0-9a-f]{8}-1/,
    ],
  ] as const)("13.1: every log line of a %s session carries session_id", async (_name, agent, done, id) => {
    const project = await writeProject(agent);
    const { proc } = cli.start(join(project, "WORKFLOW.md"), dir.path, {}, ["--debug"]);
    await until(() => done.test(cli.output()), 20_000, "worker exit");
    const lines = sessionLines(cli.output());
    const exitAt = lines.findIndex((l) => done.test(l));
    const session = lines.slice(0, exitAt + 1);
    // the session produced agent events, backend lines and the exit line; all of them are keyed
    expect(session.length).toBeGreaterThanOrEqual(4);
    for (const line of session) expect(line).toMatch(/ session_id=\S+/);
    const ids = new Set(session.map((l) => / session_id=(\S+)/.exec(l)?.[1]));
    expect(ids.size).toBe(1);
    const [only] = [...ids];
    if (typeof id === "string") expect(only).toBe(id);
    else expect(only).toMatch(id);
    proc.kill("SIGTERM");
    expect(await exitOf(proc)).toBe(0);
  });
});
