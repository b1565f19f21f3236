import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Issue } from "../../src/domain/issue.js";
import { publishWorkspace } from "../../src/publish/publisher.js";
import type { PublishSettings } from "../../src/publish/settings.js";
import { systemClock } from "../../src/util/clock.js";
import {
  type FakeForgePulls,
  startFakeGithubPulls,
  startFakeGitlabMergeRequests,
} from "../support/fake-forge-pulls.js";
import {
  type FakeGithubProjectServer,
  startFakeGithubProjectServer,
} from "../support/fake-github-project-server.js";
import { type GitHttpServer, startGitHttpServer } from "../support/git-http-server.js";
import { commitFile, gitIn, repoWithBranch } from "../support/git-repos.js";
import { projectAdapter } from "../support/github-project/fixture.js";
import { makeTempDir } from "../support/temp-dir.js";
import { warningLogger } from "../support/warning-logger.js";

const TOKEN = "ghp_publish_secret_token";
const never = new AbortController().signal;
let dir: { path: string; cleanup: () => Promise<void> };
let git: GitHttpServer;
let forge: FakeForgePulls;
let board: FakeGithubProjectServer;

beforeEach(async () => {
  dir = await makeTempDir("symphony-publish-");
  git = await startGitHttpServer(dir.path, TOKEN);
  board = await startFakeGithubProjectServer();
});
afterEach(async () => {
  await forge?.close();
  await git.close();
  await board.close();
  await dir.cleanup();
});

function settings(patch: Partial<PublishSettings> = {}): PublishSettings {
  return {
    forge: "github",
    token: TOKEN,
    apiUrl: forge.url,
    repo: "acme/app",
    remote: `${git.url}/remote.git`,
    base: "main",
    handoffState: "Human Review",
    attempts: 3,
    retryDelayMs: 10,
    timeoutMs: 20_000,
    ...patch,
  };
}

/** The board item as a Symphony issue, through the real adapter. */
async function boardIssue(): Promise<{ issue: Issue; deps: Parameters<typeof publishWorkspace>[3] }> {
  const item = board.store.add({ title: "Fix login", status: "In Progress" });
  const { adapter } = projectAdapter(board);
  const read = await adapter.fetchIssuesByIds([item.itemId], never);
  if (!read.ok || read.value[0] === undefined) throw new Error("no issue");
  const { logger } = warningLogger();
  return {
    issue: read.value[0],
    deps: {
      clock: systemClock,
      logger,
      tracker: () => adapter,
      redact: (t) => t.split(TOKEN).join("[REDACTED]"),
    },
  };
}

describe("host-side publishing", () => {
  it("pushes with the token over real HTTP auth, opens the PR, links it, moves the issue; then updates it", async () => {
    forge = await startFakeGithubPulls("acme/app", TOKEN);
    const { bare, work } = await repoWithBranch(dir.path, "symphony/app-1");
    const head = await commitFile(work, "fix.txt", "fixed\n");
    const { issue, deps } = await boardIssue();

    const first = await publishWorkspace(issue, work, settings(), deps, never);
    expect(first).toMatchObject({
      kind: "published",
      branch: "symphony/app-1",
      attempts: 1,
      pr: { number: 1, created: true },
    });
    expect(gitIn(bare, "rev-parse", "refs/heads/symphony/app-1")).toBe(head);
    expect(forge.pulls).toEqual([
      expect.objectContaining({
        head: "symphony/app-1",
        base: "main",
        title: `${issue.identifier}: Fix login`,
        state: "open",
      }),
    ]);
    expect(board.store.comments.map((c) => c.body)).toEqual([
      "Symphony pushed 1 commit(s) to `symphony/app-1` and opened https://github.com/acme/app/pull/1",
    ]);
    expect(board.store.moves).toEqual([{ itemId: issue.id, status: "Human Review" }]);
    // the token travelled only as HTTP auth: not in the workspace's git config, not in the remote URL
    expect(await readFile(join(work, ".git", "config"), "utf8")).not.toContain(TOKEN);
    expect(
      git.auths.some((a) => Buffer.from(a.slice(6), "base64").toString() === `x-access-token:${TOKEN}`),
    ).toBe(true);

    await commitFile(work, "more.txt", "more\n");
    const second = await publishWorkspace(issue, work, settings(), deps, never);
    expect(second).toMatchObject({ kind: "published", pr: { number: 1, created: false } });
    expect(forge.pulls).toHaveLength(1);
    expect(board.store.comments[1]?.body).toContain("2 commit(s)");
  });

  it("a wrong token is a typed push failure, retried, then reported on the issue", async () => {
    forge = await startFakeGithubPulls("acme/app", TOKEN);
    const { work } = await repoWithBranch(dir.path, "topic");
    await commitFile(work, "a.txt", "a\n");
    const { issue, deps } = await boardIssue();
    const result = await publishWorkspace(issue, work, settings({ token: "wrong-token-value" }), deps, never);
    expect(result).toMatchObject({ kind: "failed", attempts: 3, error: { kind: "push_failed" } });
    expect(board.store.comments).toHaveLength(1);
    expect(board.store.comments[0]?.body).toMatch(
      /^Symphony could not publish branch `topic` \(push_failed, attempt 3 of 3\)/,
    );
    expect(board.store.moves).toEqual([]);
    expect(forge.requests).toHaveLength(0);
  });

  it("a push the remote rejects (someone moved the branch) is push_rejected and not retried", async () => {
    forge = await startFakeGithubPulls("acme/app", TOKEN);
    const { work } = await repoWithBranch(dir.path, "topic");
    await commitFile(work, "a.txt", "a\n");
    gitIn(work, "push", "-q", "origin", "HEAD:refs/heads/topic");
    gitIn(work, "reset", "-q", "--hard", "HEAD~1");
    await commitFile(work, "b.txt", "diverged\n");
    const { issue, deps } = await boardIssue();
    const result = await publishWorkspace(issue, work, settings(), deps, never);
    expect(result).toMatchObject({ kind: "failed", attempts: 1, error: { kind: "push_rejected" } });
    expect(board.store.comments[0]?.body).toContain("push_rejected");
  });

  it("a 5xx from the forge is retried; a 422 is typed, not retried, and reported", async () => {
    forge = await startFakeGithubPulls("acme/app", TOKEN);
    const { work } = await repoWithBranch(dir.path, "topic");
    await commitFile(work, "a.txt", "a\n");
    const { issue, deps } = await boardIssue();
    forge.fault({ kind: "status", status: 502 }, "/pulls");
    const retried = await publishWorkspace(issue, work, settings(), deps, never);
    expect(retried).toMatchObject({ kind: "published", attempts: 2 });

    forge.pulls.splice(0);
    forge.fault(
      { kind: "status", status: 422, body: JSON.stringify({ message: "Validation Failed" }) },
      "/pulls",
    );
    const refused = await publishWorkspace(issue, work, settings(), deps, never);
    expect(refused).toMatchObject({
      kind: "failed",
      attempts: 1,
      error: { kind: "forge_status", status: 422 },
    });
    expect(board.store.comments.at(-1)?.body).toContain("HTTP 422: Validation Failed");
  });

  it("opens a GitLab merge request with PRIVATE-TOKEN", async () => {
    forge = await startFakeGitlabMergeRequests("group/app", TOKEN);
    const { work } = await repoWithBranch(dir.path, "topic");
    await commitFile(work, "a.txt", "a\n");
    const { issue, deps } = await boardIssue();
    const result = await publishWorkspace(
      issue,
      work,
      settings({ forge: "gitlab", repo: "group/app" }),
      deps,
      never,
    );
    expect(result).toMatchObject({
      kind: "published",
      pr: { number: 1, created: true, url: "https://gitlab.example/group/app/-/merge_requests/1" },
    });
    expect(forge.pulls[0]).toMatchObject({ head: "topic", base: "main" });
    expect(git.auths.some((a) => Buffer.from(a.slice(6), "base64").toString() === `oauth2:${TOKEN}`)).toBe(
      true,
    );
  });

  it("a workspace on its base branch, or with no new commits, has nothing to publish", async () => {
    forge = await startFakeGithubPulls("acme/app", TOKEN);
    const { work } = await repoWithBranch(dir.path, "topic");
    const { issue, deps } = await boardIssue();
    expect(await publishWorkspace(issue, work, settings(), deps, never)).toMatchObject({ kind: "nothing" });
    gitIn(work, "checkout", "-q", "main");
    expect(await publishWorkspace(issue, work, settings(), deps, never)).toMatchObject({ kind: "nothing" });
    expect(forge.requests).toHaveLength(0);
    expect(git.auths).toHaveLength(0);
  });
});
