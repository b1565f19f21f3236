import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/domain/logger.js";
import { readQuestionThread } from "../../src/orchestrator/questions.js";
import { GithubTracker } from "../../src/tracker/github/adapter.js";
import { parseGithubProvider } from "../../src/tracker/github/config.js";
import { GitlabTracker } from "../../src/tracker/gitlab/adapter.js";
import { parseGitlabProvider } from "../../src/tracker/gitlab/config.js";
import { type FakeGithubServer, startFakeGithubServer } from "../support/fake-github-server.js";
import { type FakeGitlabServer, startFakeGitlabServer } from "../support/fake-gitlab-server.js";
import { ManualClock } from "../support/manual-clock.js";

const signal = new AbortController().signal;
let server: FakeGithubServer | FakeGitlabServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

describe("listComments on the loopback REST fakes", () => {
  it("github: posts and lists comments with authors; bots are marked; the question reader finds the reply", async () => {
    const gh = await startFakeGithubServer("acme", "app", "ghp_comments");
    server = gh;
    gh.add({ number: 3 });
    const parsed = parseGithubProvider(
      { repo: "acme/app", token: "ghp_comments", api_url: gh.url },
      { workflowDir: "/", env: {} },
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
    const tracker = new GithubTracker(parsed.value, silentLogger, new ManualClock(1_800_000_000_000));
    expect((await tracker.addComment("3", "<!-- symphony:question run=r9 -->\nWhich?", signal)).ok).toBe(
      true,
    );
    gh.comment(3, "dependabot[bot]", "bump", "Bot");
    gh.comment(3, "alice", "This one.");
    const listed = await tracker.listComments("3", signal);
    if (!listed.ok) throw new Error(listed.error.message);
    expect(listed.value.map((c) => [c.author, c.authorIsBot])).toEqual([
      ["symphony-app", false],
      ["dependabot[bot]", true],
      ["alice", false],
    ]);
    expect(listed.value[2]?.createdAt).toBeTypeOf("number");
    expect(readQuestionThread(listed.value)).toMatchObject({
      kind: "answered",
      answer: "This one.",
      author: "alice",
    });
    const bad = await tracker.listComments("nope", signal);
    expect(bad.ok ? null : bad.error.category).toBe("tracker_request");
    await tracker.close();
  });

  it("gitlab: posts and lists notes, dropping system notes; bot accounts are marked", async () => {
    const gl = await startFakeGitlabServer("grp/app", "glpat-comments");
    server = gl;
    gl.add({ iid: 4 });
    const parsed = parseGitlabProvider(
      { project_path: "grp/app", api_key: "glpat-comments", api_url: `${gl.url}/api/v4` },
      { workflowDir: "/", env: {} },
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
    const tracker = new GitlabTracker(parsed.value, silentLogger, new ManualClock(1_800_000_000_000));
    expect((await tracker.addComment("4", "<!-- symphony:question run=r1 -->\nWhich?", signal)).ok).toBe(
      true,
    );
    gl.note(4, "root", "changed the description", { system: true });
    gl.note(4, "project_4_bot", "pipeline passed", { bot: true });
    gl.note(4, "bob", "Use SQLite.");
    const listed = await tracker.listComments("4", signal);
    if (!listed.ok) throw new Error(listed.error.message);
    expect(listed.value.map((c) => [c.author, c.authorIsBot])).toEqual([
      ["symphony-app", false],
      ["project_4_bot", true],
      ["bob", false],
    ]);
    expect(readQuestionThread(listed.value)).toMatchObject({
      kind: "answered",
      answer: "Use SQLite.",
      author: "bob",
    });
    await tracker.close();
  });
});
