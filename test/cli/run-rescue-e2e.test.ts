import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sigtermWithin, startCliArgs, TestCli } from "../support/cli-process.js";
import { makeTempDir } from "../support/temp-dir.js";
import { until } from "../support/until.js";

let dir: { path: string; cleanup: () => Promise<void> };
const cli = new TestCli();

beforeEach(async () => {
  dir = await makeTempDir("symphony-rescue-e2e-");
  await mkdir(join(dir.path, "home"));
});
afterEach(async () => {
  cli.kill();
  await dir.cleanup();
});

const WORKFLOW = `---
tracker:
  kind: local
  provider:
    path: ./issues
polling:
  interval_ms: 500
workspace:
  root: ./ws
  rescue:
    dir: ./rescues
hooks:
  after_create: |
    git init -q -b main . && git -c user.name=t -c user.email=t@t commit -q --allow-empty -m init
agent:
  backend: command
command:
  run: 'echo "important uncommitted work" > work.txt; sleep 300'
---
Work on {{ issue.identifier }}
`;

describe("never losing an agent's work (real CLI, real git)", () => {
  it("a dirty git workspace moved to Done by a person is rescued, commented, removed, and `symphony rescue restore` brings the file back", async () => {
    const project = join(dir.path, "project");
    await mkdir(join(project, "issues"), { recursive: true });
    const issueFile = join(project, "issues/RES-1.md");
    await writeFile(issueFile, "---\ntitle: write something\nstate: Todo\n---\n");
    await writeFile(join(project, "WORKFLOW.md"), WORKFLOW);
    const { proc } = cli.start(join(project, "WORKFLOW.md"), dir.path);
    const workFile = join(project, "ws/RES-1/work.txt");
    await until(() => existsSync(workFile), 20_000, "the agent wrote its file");
    // a person moves the issue to Done while the agent still works
    await writeFile(issueFile, (await readFile(issueFile, "utf8")).replace("state: Todo", "state: Done"));
    await until(() => cli.output().includes('msg="workspace removed"'), 20_000, "the workspace is removed");
    expect(cli.output()).toMatch(/msg="workspace work rescued".*kind=git/);
    expect(existsSync(join(project, "ws/RES-1"))).toBe(false);
    await until(
      async () => (await readFile(issueFile, "utf8")).includes("symphony rescue restore"),
      10_000,
      "the comment",
    );
    const id = /symphony rescue restore (\S+?)`/.exec(await readFile(issueFile, "utf8"))?.[1];
    expect(id).toMatch(/^RES-1-\d{8}T\d{6}-[0-9a-f]{4}$/);
    expect(await sigtermWithin(proc, 10_000)).toBe(0);

    const list = startCliArgs(
      ["rescue", "list", "--workflow", join(project, "WORKFLOW.md")],
      project,
      join(dir.path, "home"),
    );
    expect(await list.exited()).toBe(0);
    expect(list.output()).toContain(`${id}  RES-1`);
    const restore = startCliArgs(
      ["rescue", "restore", id ?? "", "--workflow", join(project, "WORKFLOW.md")],
      project,
      join(dir.path, "home"),
    );
    expect(await restore.exited()).toBe(0);
    expect(restore.output()).toContain("restored");
    expect(await readFile(workFile, "utf8")).toBe("important uncommitted work\n");
  }, 60_000);
});
