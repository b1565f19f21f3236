import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sigtermWithin, TestCli } from "../support/cli-process.js";
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
