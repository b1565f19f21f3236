import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TestCli } from "../../support/cli-process.js";
import {
  type FakeAsanaServer,
  fakeAsanaTask,
  startFakeAsanaServer,
} from "../../support/fake-asana-server.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { agentPids, killRecordedAgents, writeAgent } from "../../support/tracker-e2e.js";
import { pidAlive, until } from "../../support/until.js";

const PROJECT = "1100000000000042";
let dir: { path: string; cleanup: () => Promise<void> };
let server: FakeAsanaServer;
const cli = new TestCli();
let pidFile: string | null = null;

beforeEach(async () => {
  dir = await makeTempDir("symphony-asana-e2e-");
  await mkdir(join(dir.path, "home"));
  server = await startFakeAsanaServer({ token: "asana-e2e-secret-pat" });
});
afterEach(async () => {
  cli.kill();
  // a failed run must not leave its agents behind
  await killRecordedAgents(pidFile);
  pidFile = null;
  await server.close();
  await dir.cleanup();
});

describe("symphony run against a loopback Asana (end to end)", () => {
  it("dispatches tasks in active sections, runs asana_api, stops a run moved to Done", async () => {
    const todo = server.section(PROJECT, "To do");
    const doing = server.section(PROJECT, "Doing");
    const done = server.section(PROJECT, "Done");
    const a = fakeAsanaTask(PROJECT, todo);
    const b = fakeAsanaTask(PROJECT, doing);
    const finished = fakeAsanaTask(PROJECT, done, { completed: true });
    const completedInTodo = fakeAsanaTask(PROJECT, todo, { completed: true });
    server.put(a, b, finished, completedInTodo);
    const agent = await writeAgent(
      dir.path,
      'SYMPHONY_TOOL: {"name":"asana_api","arguments":{"method":"POST","path":"/tasks/%s/stories","body":{"data":{"text":"agent on it"}}}}',
      "SYMPHONY_ISSUE_ID",
    );
    pidFile = agent.pidFile;
    const workflow = join(dir.path, "WORKFLOW.md");
    await writeFile(
      workflow,
      [
        "---",
        "tracker:",
        "  kind: asana",
        "  active_states: [To do, Doing]",
        "  terminal_states: [Done]",
        "  provider:",
        `    endpoint: ${server.endpoint}`,
        `    project_gid: "${PROJECT}"`,
        "polling:",
        "  interval_ms: 300",
        "workspace:",
        "  root: ./workspaces",
        "hooks:",
        `  after_create: env > ${agent.envDir}/hook-"$SYMPHONY_ISSUE_IDENTIFIER".env`,
        "agent:",
        "  backend: command",
        "command:",
        `  run: bash ${agent.script}`,
        "---",
        "Work on {{ issue.identifier }}: {{ issue.title }}",
        "",
      ].join("\n"),
    );

    const current = cli.start(workflow, dir.path, { ASANA_PAT: server.token });
    const idA = `ASANA-${a.gid}`;
    const idB = `ASANA-${b.gid}`;
    await until(
      async () => {
        const pids = await agentPids(agent.pidFile);
        return (pids.get(idA)?.length ?? 0) >= 2 && (pids.get(idB)?.length ?? 0) >= 2;
      },
      20_000,
      "agents for both active tasks",
    );
    await until(() => server.stories.length >= 2, 10_000, "asana_api comments from both agents");
    const pids = await agentPids(agent.pidFile);
    expect([...pids.keys()].sort()).toEqual([idA, idB].sort()); // the completed task in To do is not dispatchable
    expect(server.stories.map((s) => s.taskGid).sort()).toEqual([a.gid, b.gid].sort());
    expect(server.requests.every((r) => r.authorization === `Bearer ${server.token}`)).toBe(true);
    for (const id of [idA, idB]) {
      const env = await readFile(join(agent.envDir, `${id}.env`), "utf8");
      expect(env).toContain(`SYMPHONY_ISSUE_IDENTIFIER=${id}`);
      expect(env).not.toContain(server.token);
      expect(env).not.toContain("ASANA_PAT");
    }

    for (const id of [idA, idB]) {
      const hookEnv = await readFile(join(agent.envDir, `hook-${id}.env`), "utf8");
      expect(hookEnv).toContain(`SYMPHONY_ISSUE_IDENTIFIER=${id}`);
      expect(hookEnv).not.toContain(server.token);
      expect(hookEnv).not.toContain("ASANA_PAT");
    }

    // Moved to the Done section in Asana: reconciliation stops the run and removes its workspace.
    const pidsA = pids.get(idA) ?? [];
    const pidsB = pids.get(idB) ?? [];
    server.update(a.gid, { sectionGid: done, completed: true });
    await until(() => pidsA.every((p) => !pidAlive(p)), 15_000, "agent processes of the Done task gone");
    await until(() => !existsSync(join(dir.path, "workspaces", idA)), 10_000, "its workspace removed");
    expect(pidsB.every(pidAlive)).toBe(true);
    expect(server.requests.some((r) => r.path === `/api/1.0/tasks/${a.gid}`)).toBe(true);

    const output = current.output();
    expect(output).not.toContain(server.token);
    for (const line of [
      'msg="startup terminal cleanup" terminal_issues=1',
      `issue_identifier=${idA}`,
      'event=tool_call detail="tool asana_api completed',
      'reason="issue reached terminal state Done"',
    ]) {
      expect(output).toContain(line);
    }
    current.proc.kill("SIGTERM");
    expect(await current.exited()).toBe(0);
    await until(() => pidsB.every((p) => !pidAlive(p)), 5_000, "remaining agent processes gone");
  }, 60_000);
});
