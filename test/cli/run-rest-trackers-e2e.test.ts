import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exitOf, readPids, TestCli } from "../support/cli-process.js";
import { type FakeGithubServer, startFakeGithubServer } from "../support/fake-github-server.js";
import { type FakeGitlabServer, startFakeGitlabServer } from "../support/fake-gitlab-server.js";
import { makeTempDir } from "../support/temp-dir.js";
import { pidAlive, until } from "../support/until.js";

let dir: { path: string; cleanup: () => Promise<void> };
const cli = new TestCli();
let server: FakeGithubServer | FakeGitlabServer | null = null;

beforeEach(async () => {
  dir = await makeTempDir("symphony-rest-e2e-");
  await mkdir(join(dir.path, "home"));
});
afterEach(async () => {
  cli.kill();
  await server?.close();
  server = null;
  await dir.cleanup();
});

/** A WORKFLOW.md whose command agent records its env and pids, calls the tracker tool once, then waits. */
async function writeWorkflow(
  tracker: string,
  toolCall: object,
): Promise<{ workflow: string; pids: string; env: string }> {
  const pids = join(dir.path, "pids");
  const env = join(dir.path, "agent-env");
  const workflow = join(dir.path, "WORKFLOW.md");
  await writeFile(
    workflow,
    `---
${tracker}
polling:
  interval_ms: 200
workspace:
  root: ./ws
agent:
  backend: command
  max_turns: 1
command:
  run: |
    env > ${env}
    echo 'SYMPHONY_TOOL: ${JSON.stringify(toolCall)}'
    echo $$ >> ${pids}
    sleep 300 & echo $! >> ${pids}
    wait
---
Work on {{ issue.identifier }}.
`,
  );
  return { workflow, pids, env };
}

async function runUntilTerminal(
  files: { workflow: string; pids: string; env: string },
  token: string,
  env: Record<string, string>,
  identifier: string,
  comments: () => readonly string[],
  close: () => void,
): Promise<void> {
  const { proc } = cli.start(files.workflow, dir.path, env);
  await until(
    () => cli.output().includes(`msg="dispatching issue" issue_id=1 issue_identifier=${identifier}`),
    20_000,
    "dispatch",
  );
  await until(async () => (await readPids(files.pids)).length >= 2, 15_000, "agent running");
  await until(
    () => comments().includes("hello from the agent"),
    10_000,
    "tool call reached the fake tracker",
  );
  const pids = await readPids(files.pids);
  expect(pids.every(pidAlive)).toBe(true);
  close();
  await until(() => cli.output().includes('msg="stopping run"'), 10_000, "reconciliation stops the run");
  expect(cli.output()).toContain("issue reached terminal state closed");
  await until(() => pids.every((p) => !pidAlive(p)), 5_000, "agent processes gone");
  await until(() => !existsSync(join(dir.path, "ws", identifier)), 10_000, "terminal workspace removed");
  const agentEnv = await readFile(files.env, "utf8");
  expect(agentEnv).not.toContain(token);
  expect(cli.output()).not.toContain(token);
  proc.kill("SIGTERM");
  expect(await exitOf(proc)).toBe(0);
}

describe("symphony run against fake REST trackers with the command backend (end to end)", () => {
  it("github: dispatches an open issue, the agent's github_api call lands, closing the issue stops the run", async () => {
    const gh = await startFakeGithubServer("acme", "app", "ghp_e2e_secret");
    server = gh;
    gh.add({ number: 1, title: "Fix it" });
    gh.add({ number: 2, title: "A pull request", pull_request: { url: "x" } });
    const files = await writeWorkflow(
      `tracker:\n  kind: github\n  provider:\n    repo: acme/app\n    api_url: ${gh.url}`,
      {
        name: "github_api",
        arguments: {
          method: "POST",
          path: "/repos/acme/app/issues/1/comments",
          body: { body: "hello from the agent" },
        },
      },
    );
    const issue = () => gh.issues.get(1) as { comments: string[]; state: string };
    await runUntilTerminal(
      files,
      "ghp_e2e_secret",
      { GITHUB_TOKEN: "ghp_e2e_secret" },
      "GH-1",
      () => issue().comments,
      () => {
        issue().state = "closed";
      },
    );
    expect(cli.output()).not.toContain("issue_identifier=GH-2 attempt"); // pull requests are not dispatchable
  });

  it("gitlab: dispatches an opened issue, the agent's gitlab_api call lands, closing the issue stops the run", async () => {
    const gl = await startFakeGitlabServer("grp/app", "glpat-e2e-secret");
    server = gl;
    gl.add({ iid: 1, title: "Fix it" });
    const files = await writeWorkflow(
      `tracker:\n  kind: gitlab\n  provider:\n    project_path: grp/app\n    api_key: $MY_GL\n    api_url: ${gl.url}/api/v4`,
      {
        name: "gitlab_api",
        arguments: {
          method: "POST",
          path: "/projects/grp%2Fapp/issues/1/notes",
          body: { body: "hello from the agent" },
        },
      },
    );
    const issue = () => gl.issues.get(1) as { notes: string[]; state: string };
    await runUntilTerminal(
      files,
      "glpat-e2e-secret",
      { MY_GL: "glpat-e2e-secret" },
      "GL-1",
      () => issue().notes,
      () => {
        issue().state = "closed";
      },
    );
  });
});
