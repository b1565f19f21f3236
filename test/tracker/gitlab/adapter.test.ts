import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Issue } from "../../../src/domain/issue.js";
import type { Logger } from "../../../src/domain/logger.js";
import { silentLogger } from "../../../src/domain/logger.js";
import { GitlabTracker } from "../../../src/tracker/gitlab/adapter.js";
import { type GitlabTrackerSettings, parseGitlabProvider } from "../../../src/tracker/gitlab/config.js";
import { type FakeGitlabServer, startFakeGitlabServer } from "../../support/fake-gitlab-server.js";
import { ManualClock } from "../../support/manual-clock.js";
import { until } from "../../support/until.js";

const TOKEN = "glpat-test-secret";
const PROJECT = "acme/sub/app";
let server: FakeGitlabServer;
const signal = new AbortController().signal;
const warnings: string[] = [];
const logger: Logger = { ...silentLogger, warn: (msg) => void warnings.push(msg), child: () => logger };

function settings(extra: Record<string, unknown> = {}): GitlabTrackerSettings {
  const parsed = parseGitlabProvider(
    { project_path: PROJECT, api_key: TOKEN, api_url: `${server.url}/api/v4`, ...extra },
    { workflowDir: "/", env: {} },
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  return parsed.value;
}

function tracker(
  extra: Record<string, unknown> = {},
  clock = new ManualClock(1_800_000_000_000),
): GitlabTracker {
  return new GitlabTracker(settings(extra), logger, clock);
}

const ids = (issues: readonly Issue[]) => issues.map((i) => i.id);
const ISSUES_PATH = "/api/v4/projects/acme%2Fsub%2Fapp/issues";

beforeEach(async () => {
  server = await startFakeGitlabServer(PROJECT, TOKEN);
  warnings.length = 0;
});
afterEach(async () => {
  await server.close();
});

describe("gitlab tracker: 17.3 reads", () => {
  it("17.3: candidate fetch applies the configured active states (opened only) in the project scope", async () => {
    server.add({ iid: 1, state: "opened" });
    server.add({ iid: 2, state: "closed" });
    const result = await tracker().fetchIssuesByStates(["Opened"], signal);
    expect(result.ok && ids(result.value)).toEqual(["1"]);
    expect(server.requests[0]?.path).toBe(ISSUES_PATH);
    expect(server.requests[0]?.query.get("state")).toBe("opened");
    const both = await tracker().fetchIssuesByStates(["opened", "closed"], signal);
    expect(both.ok && ids(both.value)).toEqual(["1", "2"]);
    expect(server.requests[1]?.query.get("state")).toBe("all");
  });

  it("17.3: empty fetch_issues_by_states([]) returns empty without a provider call", async () => {
    expect(await tracker().fetchIssuesByStates([], signal)).toEqual({ ok: true, value: [] });
    expect(await tracker().fetchIssuesByStates(["Todo"], signal)).toEqual({ ok: true, value: [] });
    expect(server.requests).toHaveLength(0);
  });

  it("17.3: empty fetch_issues_by_ids([]) returns empty without a provider call", async () => {
    expect(await tracker().fetchIssuesByIds([], signal)).toEqual({ ok: true, value: [] });
    expect(server.requests).toHaveLength(0);
  });

  it("17.3: pagination preserves order across multiple pages (x-next-page)", async () => {
    for (let n = 1; n <= 25; n += 1) server.add({ iid: n });
    const result = await tracker({ page_size: 10 }).fetchIssuesByStates(["opened"], signal);
    expect(result.ok && ids(result.value)).toEqual(Array.from({ length: 25 }, (_, i) => String(i + 1)));
    expect(server.requests.map((r) => r.query.get("page"))).toEqual(["1", "2", "3"]);
  });

  it("17.3: a page limit stops a runaway loop with tracker_pagination", async () => {
    for (let n = 1; n <= 5; n += 1) server.add({ iid: n });
    const result = await tracker({ page_size: 1, max_pages: 3 }).fetchIssuesByStates(["opened"], signal);
    expect(!result.ok && result.error.category).toBe("tracker_pagination");
    expect(server.requests).toHaveLength(3);
  });

  it("17.3: an x-next-page that does not follow the current page is a tracker_pagination error", async () => {
    for (let n = 1; n <= 3; n += 1) server.add({ iid: n });
    server.fault({ kind: "header", name: "x-next-page", value: "1" });
    const result = await tracker({ page_size: 1 }).fetchIssuesByStates(["opened"], signal);
    expect(!result.ok && result.error.category).toBe("tracker_pagination");
  });

  it("17.3: without paging headers a short page ends the list", async () => {
    for (let n = 1; n <= 3; n += 1) server.add({ iid: n });
    server.fault({ kind: "header", name: "x-next-page", value: null }, undefined, 2);
    const result = await tracker({ page_size: 2 }).fetchIssuesByStates(["opened"], signal);
    expect(result.ok && ids(result.value)).toEqual(["1", "2", "3"]);
    expect(server.requests).toHaveLength(2);
  });

  it("17.3: labels are normalized to lowercase, trimmed and de-duplicated", async () => {
    server.add({ iid: 1, labels: [" Bug ", "bug", "Workflow::Doing", ""] });
    const result = await tracker().fetchIssuesByStates(["opened"], signal);
    expect(result.ok && result.value[0]?.labels).toEqual(["bug", "workflow::doing"]);
  });

  it("17.3: unusable optional metadata normalizes to null/empty without hiding valid required fields", async () => {
    server.issues.set(7, {
      iid: 7,
      title: "Odd",
      state: "opened",
      description: [],
      web_url: 3,
      labels: {},
      assignees: "x",
      created_at: "soon",
    });
    const result = await tracker().fetchIssuesByStates(["opened"], signal);
    expect(result.ok && result.value[0]).toMatchObject({
      id: "7",
      identifier: "GL-7",
      title: "Odd",
      state: "opened",
      description: null,
      url: null,
      labels: [],
      assigneeId: null,
      createdAt: null,
      updatedAt: null,
    });
  });

  it("17.3: state-list reads omit malformed records with a warning", async () => {
    server.add({ iid: 1 });
    server.issues.set(2, { iid: 2, state: "opened" });
    const result = await tracker().fetchIssuesByStates(["opened"], signal);
    expect(result.ok && ids(result.value)).toEqual(["1"]);
    expect(warnings).toContain("skipping malformed GitLab issue");
  });

  it("17.3: ID refresh fails on a malformed requested record instead of treating it as invisible", async () => {
    server.issues.set(2, { iid: 2, state: "opened" });
    const result = await tracker().fetchIssuesByIds(["2"], signal);
    expect(!result.ok && result.error.category).toBe("tracker_response");
  });

  it("17.3: refresh by dispatch id returns full snapshots in request order in one batch call; unseen iids are omitted", async () => {
    server.add({
      iid: 1,
      title: "One",
      description: "text",
      assignees: [{ id: 77, username: "dev" }],
      labels: ["A"],
    });
    server.add({ iid: 3, state: "closed" });
    const result = await tracker().fetchIssuesByIds(["3", "4", "1", "3"], signal);
    expect(result.ok && ids(result.value)).toEqual(["3", "1"]);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.query.getAll("iids[]")).toEqual(["3", "4", "1"]);
    expect(result.ok && result.value[1]).toEqual({
      id: "1",
      identifier: "GL-1",
      title: "One",
      description: "text",
      priority: null,
      state: "opened",
      branchName: null,
      url: "https://gitlab.example/acme/sub/app/-/issues/1",
      assigneeId: "77",
      labels: ["a"],
      blockedBy: [],
      dispatchable: true,
      nativeRef: {
        id: 9001,
        iid: 1,
        project_id: 4242,
        project_path: PROJECT,
        references: { short: "#1", relative: "#1", full: "acme/sub/app#1" },
      },
      createdAt: Date.parse("2026-01-01T00:00:00Z"),
      updatedAt: Date.parse("2026-01-01T00:00:00Z"),
    });
  });

  it("ID refresh: a transient failure (500, 429, timeout) is an error, never 'gone'", async () => {
    server.add({ iid: 1 });
    server.fault({ kind: "status", status: 502 });
    const failed = await tracker().fetchIssuesByIds(["1"], signal);
    expect(!failed.ok && failed.error).toMatchObject({
      category: "tracker_status",
      status: 502,
      retryable: true,
    });
    server.fault({
      kind: "status",
      status: 429,
      body: "Retry later",
      headers: { "retry-after": "9", "content-type": "text/plain" },
    });
    const limited = await tracker().fetchIssuesByIds(["1"], signal);
    expect(!limited.ok && limited.error).toMatchObject({
      category: "tracker_rate_limited",
      retryAfterMs: 9000,
    });
    server.fault({ kind: "hang" });
    const clock = new ManualClock();
    const pending = tracker({ timeout_ms: 5_000 }, clock).fetchIssuesByIds(["1"], signal);
    const before = server.requests.length;
    await until(() => server.requests.length > before, 2_000, "request at the server");
    clock.advance(5_000);
    const slow = await pending;
    expect(!slow.ok && slow.error.category).toBe("tracker_request");
    expect(!slow.ok && slow.error.message).toContain("timed out after 5000 ms");
  });

  it("ID refresh: a 404 for the project itself is an error, not 'every issue is gone'", async () => {
    server.add({ iid: 1 });
    const result = await tracker({ project_path: "acme/other" }).fetchIssuesByIds(["1"], signal);
    expect(!result.ok && result.error).toMatchObject({ category: "tracker_status", status: 404 });
  });

  it("ID refresh: a non-numeric id is a request error without any request", async () => {
    const result = await tracker().fetchIssuesByIds(["GL-1"], signal);
    expect(!result.ok && result.error.category).toBe("tracker_request");
    expect(server.requests).toHaveLength(0);
  });

  it("labels with details ({name}) and an assignee known only by username are mapped", async () => {
    server.issues.set(8, {
      iid: 8,
      title: "t",
      state: "opened",
      labels: [{ name: "Doing" }, 5],
      assignee: { username: "dev" },
    });
    const result = await tracker().fetchIssuesByIds(["8"], signal);
    expect(result.ok && result.value[0]).toMatchObject({ labels: ["doing"], assigneeId: "dev" });
  });

  it("17.3: issues are explicitly dispatchable and keep both the global id and the iid in native_ref", async () => {
    server.add({ iid: 5 });
    const result = await tracker().fetchIssuesByStates(["opened"], signal);
    expect(result.ok && result.value[0]).toMatchObject({
      dispatchable: true,
      nativeRef: { id: 9005, iid: 5 },
    });
  });
});

describe("gitlab tracker: 17.3 error mapping", () => {
  const cases: [string, Parameters<FakeGitlabServer["fault"]>[0], string][] = [
    ["401 → tracker_auth", { kind: "status", status: 401 }, "tracker_auth"],
    [
      "403 → tracker_auth",
      { kind: "status", status: 403, body: '{"error":"insufficient_scope"}' },
      "tracker_auth",
    ],
    [
      "429 → tracker_rate_limited",
      { kind: "status", status: 429, body: "Retry later" },
      "tracker_rate_limited",
    ],
    ["500 → tracker_status", { kind: "status", status: 500 }, "tracker_status"],
    ["malformed JSON → tracker_response", { kind: "malformed" }, "tracker_response"],
  ];
  for (const [name, fault, category] of cases) {
    it(`17.3: ${name}`, async () => {
      server.fault(fault);
      const result = await tracker().fetchIssuesByStates(["opened"], signal);
      expect(!result.ok && result.error.category).toBe(category);
    });
  }

  it("17.3: a 429 without Retry-After waits until RateLimit-Reset", async () => {
    server.fault({ kind: "status", status: 429, headers: { "ratelimit-reset": "1800000012" } });
    const result = await tracker().fetchIssuesByStates(["opened"], signal);
    expect(!result.ok && result.error.retryAfterMs).toBe(12_000);
  });

  it("a wrong token is refused by the server and mapped to tracker_auth", async () => {
    const result = await tracker({ api_key: "nope" }).fetchIssuesByStates(["opened"], signal);
    expect(!result.ok && result.error.category).toBe("tracker_auth");
  });

  it("sends the token as PRIVATE-TOKEN and nothing as Authorization", async () => {
    await tracker().fetchIssuesByStates(["opened"], signal);
    expect(server.requests[0]?.headers["private-token"]).toBe(TOKEN);
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it("rateLimits() exposes the latest RateLimit-* headers", async () => {
    const t = tracker();
    await t.fetchIssuesByStates(["opened"], signal);
    expect(t.rateLimits()).toEqual({ limit: 2000, remaining: 1999, observed: 1, reset: 1900000000 });
  });
});
