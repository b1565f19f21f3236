import { existsSync } from "node:fs";
import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readPids, sigtermWithin, TestCli } from "../support/cli-process.js";
import { makeTempDir } from "../support/temp-dir.js";
import { pidAlive, until } from "../support/until.js";

const repo = resolve(import.meta.dirname, "../..");
let dir: { path: string; cleanup: () => Promise<void> };
const cli = new TestCli();

beforeEach(async () => {
  dir = await makeTempDir("symphony-e2e-");
  await mkdir(join(dir.path, "home"));
});
afterEach(async () => {
  cli.kill();
  await dir.cleanup();
});

describe("symphony run on the local tracker with the command backend (end to end)", () => {
  it("the example runs: dispatch, hooks, turns, tool state change, reconciliation and cleanup", async () => {
    const project = join(dir.path, "project");
    // a local run of the example may have left .symphony/ behind; the test starts from the committed files
    await cp(join(repo, "examples/local"), project, {
      recursive: true,
      filter: (src) => !src.includes(`${join("examples", "local")}/.symphony`),
    });
    const { proc } = cli.start(join(project, "WORKFLOW.md"), dir.path, {
      DEMO_AGENT_SLEEP: "0",
    });
    await until(() => cli.output().includes('msg="workspace removed"'), 15_000, "DEMO-3 cleanup");
    await until(
      () => cli.output().includes('msg="claim released: issue no longer a candidate"'),
      15_000,
      "DEMO-1 release",
    );
    expect(await readFile(join(project, "issues/DEMO-1.md"), "utf8")).toContain("state: Human Review");
    expect(await readFile(join(project, "issues/DEMO-3.md"), "utf8")).toContain("state: Done");
    const notes = await readFile(join(project, ".symphony/workspaces/DEMO-1/notes/DEMO-1.md"), "utf8");
    expect(notes).toContain("Notes for DEMO-1");
    expect(existsSync(join(project, ".symphony/workspaces/DEMO-3"))).toBe(false);
    for (const line of [
      'msg="startup terminal cleanup"',
      'msg="dispatching issue" issue_id=DEMO-1',
      "hook=after_create",
      "hook=before_run",
      'msg="turn started"',
      "event=tool_call",
      "hook=after_run",
      "hook=before_remove",
    ]) {
      expect(cli.output()).toContain(line);
    }
    expect(cli.output()).not.toContain("issue_id=DEMO-2 issue_identifier=DEMO-2 attempt"); // blocked by DEMO-1
    expect(await sigtermWithin(proc, 10_000)).toBe(0);
  });

  it("SIGTERM during agent runs exits 0 within 10 s and leaves no child process alive", async () => {
    const project = join(dir.path, "project");
    await mkdir(join(project, "issues"), { recursive: true });
    await writeFile(join(project, "issues/RUN-1.md"), "---\ntitle: hang\nstate: Todo\n---\n");
    await writeFile(join(project, "issues/RUN-2.md"), "---\ntitle: hang too\nstate: Todo\n---\n");
    const pidFile = join(dir.path, "pids");
    await writeFile(
      join(project, "WORKFLOW.md"),
      `---\ntracker:\n  kind: local\nworkspace:\n  root: ./ws\nagent:\n  backend: command\ncommand:\n  run: 'echo $$ >> ${pidFile}; sleep 300 & echo $! >> ${pidFile}; wait'\n---\nwork\n`,
    );
    const { proc } = cli.start(join(project, "WORKFLOW.md"), dir.path);
    await until(async () => (await readPids(pidFile)).length >= 4, 15_000, "both agents running");
    const pids = await readPids(pidFile);
    expect(pids.every(pidAlive)).toBe(true);
    expect(await sigtermWithin(proc, 10_000)).toBe(0);
    await until(() => pids.every((p) => !pidAlive(p)), 3_000, "agent processes gone");
  });

  it("SIGTERM during a hook exits 0 within 10 s and kills the hook's process group", async () => {
    const project = join(dir.path, "project");
    await mkdir(join(project, "issues"), { recursive: true });
    await writeFile(join(project, "issues/HOOK-1.md"), "---\ntitle: slow hook\nstate: Todo\n---\n");
    const pidFile = join(dir.path, "hook-pids");
    await writeFile(
      join(project, "WORKFLOW.md"),
      `---\ntracker:\n  kind: local\nworkspace:\n  root: ./ws\nhooks:\n  before_run: 'echo $$ >> ${pidFile}; sleep 300 & echo $! >> ${pidFile}; wait'\n  timeout_ms: 120000\nagent:\n  backend: command\ncommand:\n  run: 'true'\n---\nwork\n`,
    );
    const { proc } = cli.start(join(project, "WORKFLOW.md"), dir.path);
    await until(async () => (await readPids(pidFile)).length >= 2, 15_000, "hook running");
    const pids = await readPids(pidFile);
    expect(await sigtermWithin(proc, 10_000)).toBe(0);
    await until(() => pids.every((p) => !pidAlive(p)), 3_000, "hook processes gone");
  });
});
