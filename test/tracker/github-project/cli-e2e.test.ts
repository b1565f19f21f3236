import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TestCli } from "../../support/cli-process.js";
import {
  type FakeGithubProjectServer,
  startFakeGithubProjectServer,
} from "../../support/fake-github-project-server.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { agentPids, killRecordedAgents, writeAgent } from "../../support/tracker-e2e.js";
import { pidAlive, until } from "../../support/until.js";

let dir: { path: string; cleanup: () => Promise<void> };
let server: FakeGithubProjectServer;
const cli = new TestCli();
let pidFile: string | null = null;

beforeEach(async () => {
  dir = await makeTempDir("symphony-ghproject-e2e-");
  await mkdir(join(dir.path, "home"));
  server = await startFakeGithubProjectServer({ token: "ghp_e2e_project_secret" });
});
afterEach(async () => {
  cli.kill();
  await killRecordedAgents(pidFile);
  pidFile = null;
  await server.close();
  await dir.cleanup();
});

describe("symphony run against a loopback GitHub Project (end to end)", () => {
  it("dispatches Todo items, the agent moves its item to In Progress with github_graphql, Done stops it", async () => {
    const store = server.store;
    const todo = store.add({ title: "Fix the login page" });
    const draft = store.add({ title: "Draft idea", number: null });
    const review = store.add({ title: "Waiting for review", status: "Human Review" });
    store.add({ title: "Already shipped", status: "Done" });
    // The agent moves its own item: the ids are the project's (an agent would read them first).
    const variables = `{"p":"${store.projectId}","i":"%s","f":"${store.statusFieldId}","o":"${store.statusFieldId}_In Progress"}`;
    const agent = await writeAgent(
      dir.path,
      `SYMPHONY_TOOL: {"name":"github_graphql","arguments":{"query":"mutation Move($p: ID!, $i: ID!, $f: ID!, $o: String!) { updateProjectV2ItemFieldValue(input: {projectId: $p, itemId: $i, fieldId: $f, value: {singleSelectOptionId: $o}}) { projectV2Item { id } } }","variables":${variables}}}`,
      "SYMPHONY_ISSUE_ID",
    );
    pidFile = agent.pidFile;
    const workflow = join(dir.path, "WORKFLOW.md");
    await writeFile(
      workflow,
      [
        "---",
        "tracker:",
        "  kind: github_project",
        "  provider:",
        `    endpoint: ${server.url}`,
        "    owner: acme",
        "    project: 7",
        "    token: $PROJECT_TOKEN",
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

    const run = cli.start(workflow, dir.path, { PROJECT_TOKEN: server.token });
    const idA = `app-${todo.number}`;
    const idDraft = `draft-${draft.itemId.slice(-8)}`;
    await until(
      async () => {
        const pids = await agentPids(agent.pidFile);
        return (pids.get(idA)?.length ?? 0) >= 2 && (pids.get(idDraft)?.length ?? 0) >= 2;
      },
      30_000,
      "agents for the issue and the draft in Todo",
    );
    await until(() => store.moves.length >= 2, 10_000, "both agents' status moves");
    expect(store.moves.map((m) => m.itemId).sort()).toEqual([todo.itemId, draft.itemId].sort());
    expect(todo.status).toBe("In Progress");
    const pids = await agentPids(agent.pidFile);
    expect([...pids.keys()].sort()).toEqual([idA, idDraft].sort());
    expect(server.requests.every((r) => r.authorization === `Bearer ${server.token}`)).toBe(true);
    for (const file of [idA, idDraft, `hook-${idA}`]) {
      const env = await readFile(join(agent.envDir, `${file}.env`), "utf8");
      expect(env).toContain("SYMPHONY_ISSUE_ID=PVTI_");
      expect(env).not.toContain(server.token);
      expect(env).not.toContain("PROJECT_TOKEN");
    }

    // Done on the board: reconciliation (nodes by item id) stops that run and removes its workspace.
    const pidsA = pids.get(idA) ?? [];
    const pidsDraft = pids.get(idDraft) ?? [];
    todo.status = "Done";
    await until(() => pidsA.every((p) => !pidAlive(p)), 15_000, "the Done item's agent gone");
    await until(() => !existsSync(join(dir.path, "workspaces", idA)), 10_000, "its workspace removed");
    expect(pidsDraft.every(pidAlive)).toBe(true);
    expect(server.requests.some((r) => r.operationName === "SymphonyGithubProjectItemsById")).toBe(true);

    const output = run.output();
    expect(output).not.toContain(server.token);
    for (const line of [
      'msg="startup terminal cleanup" terminal_issues=1',
      `issue_identifier=${idA}`,
      'event=tool_call detail="tool github_graphql completed',
      'reason="issue reached terminal state Done"',
    ]) {
      expect(output).toContain(line);
    }
    expect(output).not.toContain(`issue_identifier=app-${review.number}`);
    run.proc.kill("SIGTERM");
    expect(await run.exited()).toBe(0);
  }, 60_000);
});
