import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exitOf, TestCli } from "../../support/cli-process.js";
import { type FakeLinearServer, fakeIssue, startFakeLinearServer } from "../../support/fake-linear-server.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { agentPids } from "../../support/tracker-e2e.js";
import { pidAlive, until } from "../../support/until.js";

let dir: { path: string; cleanup: () => Promise<void> };
let server: FakeLinearServer;
const cli = new TestCli();

beforeEach(async () => {
  dir = await makeTempDir("symphony-linear-e2e-");
  await mkdir(join(dir.path, "home"));
  server = await startFakeLinearServer({ apiKey: "lin_api_e2e_secret_value" });
});
afterEach(async () => {
  cli.kill();
  await server.close();
  await dir.cleanup();
});

describe("symphony run against a loopback Linear (end to end)", () => {
  it("dispatches the project's active issues, runs linear_graphql, and stops a run moved to Done", async () => {
    server.store.put(
      fakeIssue({ number: 1, identifier: "LIN-1", stateName: "Todo", projectSlug: "e2e-project" }),
      fakeIssue({ number: 2, identifier: "LIN-2", stateName: "In Progress", projectSlug: "e2e-project" }),
      fakeIssue({ number: 3, identifier: "LIN-3", stateName: "Backlog", projectSlug: "e2e-project" }),
      fakeIssue({ number: 4, identifier: "LIN-4", stateName: "Done", projectSlug: "e2e-project" }),
      fakeIssue({ number: 5, identifier: "OTHER-5", stateName: "Todo", projectSlug: "another-project" }),
    );
    const pidFile = join(dir.path, "agent-pids");
    const envDir = join(dir.path, "agent-env");
    await mkdir(envDir);
    const agent = join(dir.path, "agent.sh");
    // A tiny agent: records its pids and environment, comments on its issue through the
    // linear_graphql tool (command backend SYMPHONY_TOOL line), then works until it is stopped.
    await writeFile(
      agent,
      [
        "#!/usr/bin/env bash",
        `echo "$SYMPHONY_ISSUE_IDENTIFIER $$" >> ${pidFile}`,
        `env > ${envDir}/"$SYMPHONY_ISSUE_IDENTIFIER".env`,
        `printf 'SYMPHONY_TOOL: {"name":"linear_graphql","arguments":{"query":"mutation C($id: String!) { commentCreate(input: {issueId: $id, body: \\\\"agent on it\\\\"}) { success } }","variables":{"id":"%s"}}}\\n' "$SYMPHONY_ISSUE_ID"`,
        `sleep 300 & echo "$SYMPHONY_ISSUE_IDENTIFIER $!" >> ${pidFile}`,
        "wait",
        "",
      ].join("\n"),
    );
    const workflow = join(dir.path, "WORKFLOW.md");
    await writeFile(
      workflow,
      [
        "---",
        "tracker:",
        "  kind: linear",
        `  endpoint: ${server.url}`,
        "  project_slug: e2e-project",
        "polling:",
        "  interval_ms: 300",
        "workspace:",
        "  root: ./workspaces",
        "hooks:",
        `  after_create: env > ${envDir}/hook-"$SYMPHONY_ISSUE_IDENTIFIER".env`,
        "agent:",
        "  backend: command",
        "command:",
        `  run: bash ${agent}`,
        "---",
        "Work on {{ issue.identifier }}: {{ issue.title }}",
        "",
      ].join("\n"),
    );

    const { proc } = cli.start(workflow, dir.path, { LINEAR_API_KEY: server.apiKey });
    await until(
      async () => {
        const pids = await agentPids(pidFile);
        return (pids.get("LIN-1")?.length ?? 0) >= 2 && (pids.get("LIN-2")?.length ?? 0) >= 2;
      },
      20_000,
      "agents for LIN-1 and LIN-2",
    );
    await until(() => server.store.comments.length >= 2, 10_000, "linear_graphql comments from both agents");
    const pids = await agentPids(pidFile);
    expect([...pids.keys()].sort()).toEqual(["LIN-1", "LIN-2"]);
    expect(server.store.comments.map((c) => c.issueId).sort()).toEqual(["issue-1", "issue-2"]);
    expect(server.store.comments[0]?.body).toBe("agent on it");

    // The key reached Linear (the fake) and never the agents or hooks.
    expect(server.requests.every((r) => r.authorization === server.apiKey)).toBe(true);
    for (const file of ["LIN-1", "LIN-2", "hook-LIN-1", "hook-LIN-2"]) {
      const env = await readFile(join(envDir, `${file}.env`), "utf8");
      expect(env).toContain("SYMPHONY_ISSUE_ID=");
      expect(env).not.toContain(server.apiKey);
      expect(env).not.toContain("LINEAR_API_KEY");
    }

    // Moved to a terminal state in Linear: the next reconciliation stops LIN-1 and removes its workspace.
    const lin1 = pids.get("LIN-1") ?? [];
    const lin2 = pids.get("LIN-2") ?? [];
    server.store.update("issue-1", { stateName: "Done" });
    await until(() => lin1.every((p) => !pidAlive(p)), 15_000, "LIN-1 agent processes gone");
    await until(() => !existsSync(join(dir.path, "workspaces", "LIN-1")), 10_000, "LIN-1 workspace removed");
    expect(lin2.every(pidAlive)).toBe(true);
    expect(server.requests.some((r) => r.operationName === "SymphonyLinearIssuesById")).toBe(true);
    expect(cli.output()).not.toContain(server.apiKey);

    for (const line of [
      'msg="startup terminal cleanup" terminal_issues=1',
      'msg="dispatching issue" issue_id=issue-1 issue_identifier=LIN-1',
      'msg="dispatching issue" issue_id=issue-2 issue_identifier=LIN-2',
      'event=tool_call detail="tool linear_graphql completed',
      'msg="stopping run" issue_id=issue-1 issue_identifier=LIN-1 reason="issue reached terminal state Done"',
    ]) {
      expect(cli.output()).toContain(line);
    }
    expect(cli.output()).not.toContain("issue_identifier=LIN-3");
    proc.kill("SIGTERM");
    expect(await exitOf(proc)).toBe(0);
    await until(() => lin2.every((p) => !pidAlive(p)), 5_000, "LIN-2 agent processes gone");
  });
});
