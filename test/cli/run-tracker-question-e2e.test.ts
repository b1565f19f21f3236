import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exitOf, TestCli } from "../support/cli-process.js";
import { codexCommand, createTestCodexHome, type TestCodexHome } from "../support/codex-home.js";
import { type FakeGithubServer, startFakeGithubServer } from "../support/fake-github-server.js";
import { type FakeModelServer, startFakeModelServer } from "../support/fake-model-server.js";
import { makeTempDir } from "../support/temp-dir.js";
import { until } from "../support/until.js";

let dir: { path: string; cleanup: () => Promise<void> };
const cli = new TestCli();
let gh: FakeGithubServer | null = null;
let model: FakeModelServer | null = null;
let codexHome: TestCodexHome | null = null;

beforeEach(async () => {
  dir = await makeTempDir("symphony-question-e2e-");
  await mkdir(join(dir.path, "home"));
});
afterEach(async () => {
  cli.kill();
  await gh?.close();
  await model?.close();
  codexHome?.cleanup();
  gh = null;
  model = null;
  codexHome = null;
  await dir.cleanup();
});

const ANSWER = "Use PostgreSQL 16, please.";

describe("symphony run: a question asked on GitHub and answered there (real codex, fake model, fake GitHub)", () => {
  it("the question becomes a marked comment; a person's reply resumes the same codex thread with the answer", async () => {
    gh = await startFakeGithubServer("acme", "app", "ghp_question_secret");
    gh.add({ number: 1, title: "Pick a database" });
    model = await startFakeModelServer((request) =>
      request.lastUserText.includes(ANSWER)
        ? { kind: "text", text: "Thanks, going with PostgreSQL." }
        : {
            kind: "function_call",
            name: "request_user_input",
            args: {
              questions: [
                {
                  id: "db",
                  header: "DB",
                  question: "Which database?",
                  options: [
                    { label: "Postgres", description: "relational" },
                    { label: "SQLite", description: "file" },
                  ],
                },
              ],
            },
          },
    );
    codexHome = createTestCodexHome(model.baseUrl);
    const sent = join(dir.path, "sent.ndjson");
    const command = `tee -a ${sent} | CODEX_HOME=${codexHome.path} ${codexCommand("--enable default_mode_request_user_input")}`;
    const workflow = join(dir.path, "WORKFLOW.md");
    await writeFile(
      workflow,
      `---
tracker:
  kind: github
  provider:
    repo: acme/app
    api_url: ${gh.url}
polling:
  interval_ms: 300
workspace:
  root: ./ws
agent:
  backend: codex
  max_turns: 1
codex:
  command: ${JSON.stringify(command)}
  approval_policy: never
  read_timeout_ms: 15000
---
Work on {{ issue.identifier }}: {{ issue.title }}.
`,
    );
    const { proc } = cli.start(workflow, dir.path, { GITHUB_TOKEN: "ghp_question_secret" });
    const thread = () => gh?.thread.get(1) ?? [];
    await until(
      () => thread().some((c) => c.body.includes("<!-- symphony:question run=")),
      60_000,
      "question posted on the issue",
    ).catch((e: unknown) => {
      throw new Error(`${String(e)}\n${cli.output().slice(-4000)}`);
    });
    const question = thread().find((c) => c.body.includes("symphony:question")) as { body: string };
    expect(question.body).toContain("Which database?");
    const threadId = /session=([^\s>]+)/.exec(question.body)?.[1];
    expect(threadId).toBeTruthy();

    // a bot's comment does not count as an answer
    gh.comment(1, "ci[bot]", "All checks passed.", "Bot");
    await new Promise((r) => setTimeout(r, 1_000));
    expect(model.requests.some((r) => r.lastUserText.includes("All checks passed."))).toBe(false);

    gh.comment(1, "alice", ANSWER);
    await until(
      () => model?.requests.some((r) => r.lastUserText.includes(ANSWER)) ?? false,
      60_000,
      "the answer reached the model",
    );
    // same conversation: codex was asked to resume the thread the question named, and the model saw the
    // original task earlier in the same request's history
    const lines = (await readFile(sent, "utf8")).split("\n").filter((l) => l.includes('"thread/resume"'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string).params.threadId).toBe(threadId);
    const resumed = model.requests.find((r) => r.lastUserText.includes(ANSWER));
    expect(JSON.stringify(resumed?.body.input)).toContain("Work on GH-1: Pick a database.");
    await until(
      () => thread().some((c) => c.body.includes("<!-- symphony:answered run=")),
      10_000,
      "receipt comment",
    );
    expect(cli.output()).toContain('msg="codex thread resumed"');
    expect(cli.output()).not.toContain("ghp_question_secret");
    proc.kill("SIGTERM");
    expect(await exitOf(proc)).toBe(0);
  }, 150_000);
});
