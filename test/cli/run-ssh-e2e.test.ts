import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { readPids, sigtermWithin, TestCli } from "../support/cli-process.js";
import { processesMentioning } from "../support/processes.js";
import { startSshd, type TestSshd } from "../support/sshd.js";
import { makeTempDir } from "../support/temp-dir.js";
import { describeNeeding, SSHD } from "../support/tools.js";
import { pidAlive, until } from "../support/until.js";

const needs = describeNeeding([SSHD]);

let sshd: TestSshd;
let dir: { path: string; cleanup: () => Promise<void> };
const cli = new TestCli();

beforeAll(async () => {
  if (needs.missing !== null) return;
  sshd = await startSshd();
});
afterAll(async () => {
  if (needs.missing === null) await sshd.close();
});
beforeEach(async () => {
  dir = await makeTempDir("symphony-ssh-e2e-");
  await mkdir(join(dir.path, "home"));
});
afterEach(async (ctx) => {
  if (ctx.task.result?.state === "fail") process.stderr.write(`--- CLI output ---\n${cli.output()}\n`);
  cli.kill();
  // hygiene: nothing this test started (CLI, local ssh, remote wrapper, hooks, agent) outlives it
  await until(async () => (await processesMentioning(dir.path)).length === 0, 5_000, "test processes gone");
  await dir.cleanup();
});

/** The CLI's extra env: the SSH config comes from SYMPHONY_SSH_CONFIG; TZ is a local-only marker. */
const cliEnv = (): Record<string, string> => ({ SYMPHONY_SSH_CONFIG: sshd.configPath, TZ: "Local/Marker" });

/** A WORKFLOW.md on the local tracker and the command backend, running on the test sshd. */
function workflow(fields: { hooks: string; run: string }): string {
  return [
    "---",
    "tracker:",
    "  kind: local",
    "worker:",
    `  ssh_hosts: ["127.0.0.1:${sshd.port}"]`,
    "workspace:",
    `  root: ${join(dir.path, "remote-ws")}`,
    "hooks:",
    fields.hooks,
    "  timeout_ms: 30000",
    "agent:",
    "  backend: command",
    "  max_turns: 2",
    "command:",
    `  run: ${JSON.stringify(fields.run)}`,
    "---",
    "Work on {{ issue.identifier }}",
    "",
  ].join("\n");
}

needs.describe("symphony run with worker.ssh_hosts (end to end, real sshd)", { timeout: 90_000 }, () => {
  it("A.1: the workspace, hooks and agent run on the SSH worker and the issue reaches its hand-off state", async () => {
    const project = join(dir.path, "project");
    const root = join(dir.path, "remote-ws");
    await mkdir(join(project, "issues"), { recursive: true });
    await writeFile(join(project, "issues/SSH-1.md"), "---\ntitle: remote work\nstate: Todo\n---\n");
    await writeFile(join(project, "issues/SSH-2.md"), "---\ntitle: finished\nstate: Done\n---\n");
    // a leftover workspace of a terminal issue: startup cleanup must remove it through ssh
    await mkdir(join(root, "SSH-2"), { recursive: true });
    const hooks = [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion, not a template
      "  after_create: 'echo \"home=$HOME tz=${TZ:-unset} id=$SYMPHONY_ISSUE_IDENTIFIER\" > created.txt'",
      "  before_run: 'echo before_run >> hooks.txt'",
      "  after_run: 'echo after_run >> hooks.txt'",
      `  before_remove: 'echo "removing $PWD as $HOME" >> ${join(dir.path, "removed.txt")}'`,
    ].join("\n");
    const tool = `SYMPHONY_TOOL: {"name":"update_issue","arguments":{"state":"Human Review"}}`;
    // the prompt arrives on stdin with end-of-file, although over ssh closing stdin would stop the command
    const run = `p=$(cat); echo "agent home=$HOME tz=\${TZ:-unset} pwd=$PWD turn=$SYMPHONY_TURN prompt=$p" >> agent.txt; echo '${tool}'`;
    await writeFile(join(project, "WORKFLOW.md"), workflow({ hooks, run }));
    const { proc } = cli.start(join(project, "WORKFLOW.md"), dir.path, cliEnv());

    await until(
      async () => (await readFile(join(project, "issues/SSH-1.md"), "utf8")).includes("state: Human Review"),
      30_000,
      "SSH-1 to reach Human Review",
    );
    await until(() => cli.output().includes("hook=after_run"), 15_000, "after_run");
    const remoteHome = sshd.home;
    const ws = join(root, "SSH-1");
    // the remote login's HOME, not the CLI's; TZ (set only locally) did not cross over ssh
    expect(await readFile(join(ws, "created.txt"), "utf8")).toBe(`home=${remoteHome} tz=unset id=SSH-1\n`);
    expect(await readFile(join(ws, "agent.txt"), "utf8")).toBe(
      `agent home=${remoteHome} tz=unset pwd=${ws} turn=1 prompt=Work on SSH-1\n`,
    );
    await until(async () => (await readFile(join(ws, "hooks.txt"), "utf8")) === "before_run\nafter_run\n");
    // startup cleanup: no recorded host, so every configured host; before_remove ran remotely
    expect(existsSync(join(root, "SSH-2"))).toBe(false);
    expect(await readFile(join(dir.path, "removed.txt"), "utf8")).toBe(
      `removing ${join(root, "SSH-2")} as ${remoteHome}\n`,
    );
    expect(cli.output()).toMatch(
      new RegExp(`msg="dispatching issue" issue_id=SSH-1 .*host=127\\.0\\.0\\.1:${sshd.port}`),
    );
    expect(cli.output()).not.toContain("host=local");
    expect(await sigtermWithin(proc, 10_000)).toBe(0);
  });

  it("A: SIGTERM during a remote agent run exits 0 within 10 s and leaves no remote process", async () => {
    const project = join(dir.path, "project");
    await mkdir(join(project, "issues"), { recursive: true });
    await writeFile(join(project, "issues/HANG-1.md"), "---\ntitle: hang\nstate: Todo\n---\n");
    const pidFile = join(dir.path, "pids");
    const run = `echo $$ >> ${pidFile}; sleep 300 & echo $! >> ${pidFile}; wait`;
    await writeFile(join(project, "WORKFLOW.md"), workflow({ hooks: "  after_run: 'true'", run }));
    const { proc } = cli.start(join(project, "WORKFLOW.md"), dir.path, cliEnv());
    await until(async () => (await readPids(pidFile)).length >= 2, 30_000, "remote agent running");
    const pids = await readPids(pidFile);
    expect(pids.every(pidAlive)).toBe(true);
    expect(await sigtermWithin(proc, 10_000)).toBe(0);
    // the worker is this machine's sshd, so its pids are visible here
    await until(() => pids.every((p) => !pidAlive(p)), 5_000, "remote agent processes gone");
  });
});
