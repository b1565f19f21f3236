import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TestCli } from "../../support/cli-process.js";
import { type FakeJiraServer, fakeJiraIssue, startFakeJiraServer } from "../../support/fake-jira-server.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { agentPids, killRecordedAgents, writeAgent } from "../../support/tracker-e2e.js";
import { pidAlive, until } from "../../support/until.js";

let dir: { path: string; cleanup: () => Promise<void> };
let server: FakeJiraServer;
const cli = new TestCli();
let pidFile: string | null = null;

beforeEach(async () => {
  dir = await makeTempDir("symphony-jira-e2e-");
  await mkdir(join(dir.path, "home"));
  server = await startFakeJiraServer({ token: "jira-e2e-secret-token" });
});
afterEach(async () => {
  cli.kill();
  // a failed run must not leave its agents behind
  await killRecordedAgents(pidFile);
  pidFile = null;
  await server.close();
  await dir.cleanup();
});

describe("symphony run against a loopback Jira Cloud (end to end)", () => {
  it("dispatches the project's active issues, runs jira_rest, stops a run moved to Done", async () => {
    server.put(
      fakeJiraIssue("PROJ-1", { created: "2024-01-01T00:00:00.000+0000" }),
      fakeJiraIssue("PROJ-2", {
        status: "In Progress",
        category: "indeterminate",
        created: "2024-01-02T00:00:00.000+0000",
      }),
      fakeJiraIssue("PROJ-3", { blockedBy: ["PROJ-1"], created: "2024-01-03T00:00:00.000+0000" }),
      fakeJiraIssue("PROJ-4", { status: "Done", category: "done" }),
      fakeJiraIssue("OTHER-1"),
    );
    const agent = await writeAgent(
      dir.path,
      'SYMPHONY_TOOL: {"name":"jira_rest","arguments":{"method":"POST","path":"/rest/api/3/issue/%s/comment","body":{"body":{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"agent on it"}]}]}}}}',
      "SYMPHONY_ISSUE_IDENTIFIER",
    );
    pidFile = agent.pidFile;
    const workflow = join(dir.path, "WORKFLOW.md");
    await writeFile(
      workflow,
      [
        "---",
        "tracker:",
        "  kind: jira",
        "  active_states: [To Do, In Progress]",
        "  terminal_states: [Done]",
        "  provider:",
        `    base_url: ${server.url}`,
        "    project_key: PROJ",
        "    api_token: $MY_JIRA_TOKEN",
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

    const current = cli.start(workflow, dir.path, {
      MY_JIRA_TOKEN: server.token,
      JIRA_EMAIL: server.email,
    });
    await until(
      async () => {
        const pids = await agentPids(agent.pidFile);
        return (pids.get("PROJ-1")?.length ?? 0) >= 2 && (pids.get("PROJ-2")?.length ?? 0) >= 2;
      },
      20_000,
      "agents for PROJ-1 and PROJ-2",
    );
    await until(() => server.comments.length >= 2, 10_000, "jira_rest comments from both agents");
    const pids = await agentPids(agent.pidFile);
    expect([...pids.keys()].sort()).toEqual(["PROJ-1", "PROJ-2"]); // PROJ-3 waits for its blocker
    expect(server.comments.map((c) => c.issueKey).sort()).toEqual(["PROJ-1", "PROJ-2"]);

    // The token reached the fake (Basic auth) and never the agents.
    expect(server.requests.every((r) => r.authorization?.startsWith("Basic "))).toBe(true);
    for (const key of ["PROJ-1", "PROJ-2"]) {
      const env = await readFile(join(agent.envDir, `${key}.env`), "utf8");
      expect(env).toContain("SYMPHONY_ISSUE_ID=");
      expect(env).not.toContain(server.token);
      expect(env).not.toContain("MY_JIRA_TOKEN");
    }

    for (const id of ["PROJ-1", "PROJ-2"]) {
      const hookEnv = await readFile(join(agent.envDir, `hook-${id}.env`), "utf8");
      expect(hookEnv).toContain(`SYMPHONY_ISSUE_IDENTIFIER=${id}`);
      expect(hookEnv).not.toContain(server.token);
      expect(hookEnv).not.toContain("MY_JIRA_TOKEN");
    }

    // Done in Jira: reconciliation stops PROJ-1 and removes its workspace; PROJ-3 is then unblocked.
    const proj1 = pids.get("PROJ-1") ?? [];
    const proj2 = pids.get("PROJ-2") ?? [];
    server.update("PROJ-1", { status: "Done", category: "done" });
    await until(() => proj1.every((p) => !pidAlive(p)), 15_000, "PROJ-1 agent processes gone");
    await until(
      () => !existsSync(join(dir.path, "workspaces", "PROJ-1")),
      10_000,
      "PROJ-1 workspace removed",
    );
    await until(
      async () => (await agentPids(agent.pidFile)).has("PROJ-3"),
      15_000,
      "PROJ-3 dispatched once unblocked",
    );
    expect(proj2.every(pidAlive)).toBe(true);
    expect(server.requests.some((r) => r.path === "/rest/api/3/issue/bulkfetch")).toBe(true);

    const output = current.output();
    expect(output).not.toContain(server.token);
    for (const line of [
      'msg="startup terminal cleanup" terminal_issues=1',
      "issue_identifier=PROJ-1",
      'event=tool_call detail="tool jira_rest completed',
      'reason="issue reached terminal state Done"',
    ]) {
      expect(output).toContain(line);
    }
    expect(output).not.toContain("issue_identifier=OTHER-1");
    const final = await agentPids(agent.pidFile);
    current.proc.kill("SIGTERM");
    expect(await current.exited()).toBe(0);
    const all = [...final.values()].flat();
    await until(() => all.every((p) => !pidAlive(p)), 5_000, "all agent processes gone");
  }, 60_000);
});
