import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Issue } from "../../../src/domain/issue.js";
import type { Logger } from "../../../src/domain/logger.js";
import { silentLogger } from "../../../src/domain/logger.js";
import { GithubTracker } from "../../../src/tracker/github/adapter.js";
import { type GithubTrackerSettings, parseGithubProvider } from "../../../src/tracker/github/config.js";
import { type FakeGithubServer, startFakeGithubServer } from "../../support/fake-github-server.js";
import { ManualClock } from "../../support/manual-clock.js";
import { until } from "../../support/until.js";

const TOKEN = "ghp_test_secret_token";
let server: FakeGithubServer;
const signal = new AbortController().signal;
const warnings: string[] = [];
const logger: Logger = { ...silentLogger, warn: (msg) => void warnings.push(msg), child: () => logger };

function settings(extra: Record<string, unknown> = {}): GithubTrackerSettings {
  const parsed = parseGithubProvider(
    { repo: "acme/app", token: TOKEN, api_url: server.url, ...extra },
    { workflowDir: "/", env: {} },
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  return parsed.value;
}

function tracker(
  extra: Record<string, unknown> = {},
  clock = new ManualClock(1_800_000_000_000),
): GithubTracker {
  return new GithubTracker(settings(extra), logger, clock);
}

const ids = (issues: readonly Issue[]) => issues.map((i) => i.id);

beforeEach(async () => {
  server = await startFakeGithubServer("acme", "app", TOKEN);
  warnings.length = 0;
});
afterEach(async () => {
  await server.close();
});

describe("github tracker: 17.3 reads", () => {
  it("17.3: candidate fetch applies the configured active states (open only, not closed)", async () => {
    server.add({ number: 1, state: "open" });
    server.add({ number: 2, state: "closed" });
    const result = await tracker().fetchIssuesByStates(["Open"], signal);
    expect(result.ok && ids(result.value)).toEqual(["1"]);
    expect(server.requests[0]?.path).toBe("/repos/acme/app/issues");
    expect(server.requests[0]?.query.get("state")).toBe("open");
    const both = await tracker().fetchIssuesByStates(["open", "closed"], signal);
    expect(both.ok && ids(both.value)).toEqual(["1", "2"]);
    expect(server.requests[1]?.query.get("state")).toBe("all");
  });

  it("17.3: empty fetch_issues_by_states([]) returns empty without a provider call", async () => {
    const result = await tracker().fetchIssuesByStates([], signal);
    expect(result).toEqual({ ok: true, value: [] });
    const unknown = await tracker().fetchIssuesByStates(["Todo"], signal);
    expect(unknown).toEqual({ ok: true, value: [] });
    expect(server.requests).toHaveLength(0);
  });

  it("17.3: empty fetch_issues_by_ids([]) returns empty without a provider call", async () => {
    expect(await tracker().fetchIssuesByIds([], signal)).toEqual({ ok: true, value: [] });
    expect(server.requests).toHaveLength(0);
  });

  it("17.3: pagination preserves order across multiple pages (Link rel=next)", async () => {
    for (let n = 1; n <= 25; n += 1) server.add({ number: n });
    const result = await tracker({ page_size: 10 }).fetchIssuesByStates(["open"], signal);
    expect(result.ok && ids(result.value)).toEqual(Array.from({ length: 25 }, (_, i) => String(i + 1)));
    expect(server.requests.map((r) => r.query.get("page"))).toEqual([null, "2", "3"]);
  });

  it("17.3: a page limit stops a runaway loop with tracker_pagination", async () => {
    for (let n = 1; n <= 5; n += 1) server.add({ number: n });
    const result = await tracker({ page_size: 1, max_pages: 3 }).fetchIssuesByStates(["open"], signal);
    expect(!result.ok && result.error.category).toBe("tracker_pagination");
    expect(server.requests).toHaveLength(3);
  });

  it("17.3: a next link to another host or a repeated page is a tracker_pagination error", async () => {
    for (let n = 1; n <= 3; n += 1) server.add({ number: n });
    server.fault({ kind: "link", link: '<https://evil.example/repos/acme/app/issues?page=2>; rel="next"' });
    const away = await tracker({ page_size: 1 }).fetchIssuesByStates(["open"], signal);
    expect(!away.ok && away.error.category).toBe("tracker_pagination");
    expect(server.requests.every((r) => r.headers.host?.startsWith("127.0.0.1"))).toBe(true);
    server.fault(
      {
        kind: "link",
        link: `<${server.url}/repos/acme/app/issues?state=open&sort=created&direction=asc&per_page=1>; rel="next"`,
      },
      undefined,
      2,
    );
    const loop = await tracker({ page_size: 1 }).fetchIssuesByStates(["open"], signal);
    expect(!loop.ok && loop.error.category).toBe("tracker_pagination");
  });

  it("17.3: labels are normalized to lowercase, trimmed and de-duplicated", async () => {
    server.add({
      number: 1,
      labels: [{ name: " Bug " }, { name: "bug" }, { name: "Needs-Review" }, { name: "  " }],
    });
    const result = await tracker().fetchIssuesByStates(["open"], signal);
    expect(result.ok && result.value[0]?.labels).toEqual(["bug", "needs-review"]);
  });

  it("17.3: unusable optional metadata normalizes to null/empty without hiding valid required fields", async () => {
    server.issues.set(7, {
      number: 7,
      title: "Odd",
      state: "open",
      body: 42,
      html_url: null,
      labels: "nope",
      assignee: "someone",
      created_at: "not a date",
      updated_at: 5,
    });
    const result = await tracker().fetchIssuesByStates(["open"], signal);
    expect(result.ok && result.value[0]).toMatchObject({
      id: "7",
      identifier: "GH-7",
      title: "Odd",
      state: "open",
      description: null,
      url: null,
      labels: [],
      assigneeId: null,
      createdAt: null,
      updatedAt: null,
      priority: null,
      blockedBy: [],
    });
  });

  it("17.3: state-list reads omit malformed records with a warning", async () => {
    server.add({ number: 1 });
    server.issues.set(2, { number: 2, state: "open" }); // no title
    server.issues.set(3, { title: "no number", state: "open" });
    const result = await tracker().fetchIssuesByStates(["open"], signal);
    expect(result.ok && ids(result.value)).toEqual(["1"]);
    expect(warnings.filter((w) => w === "skipping malformed GitHub issue")).toHaveLength(2);
    const t = tracker();
    await t.fetchIssuesByStates(["open"], signal);
    await t.fetchIssuesByStates(["open"], signal);
    expect(warnings.filter((w) => w === "skipping malformed GitHub issue")).toHaveLength(4); // once per tracker
  });

  it("17.3: ID refresh fails on a malformed requested record instead of treating it as invisible", async () => {
    server.issues.set(2, { number: 2, state: "open" });
    const result = await tracker().fetchIssuesByIds(["2"], signal);
    expect(!result.ok && result.error.category).toBe("tracker_response");
  });

  it("17.3: refresh by dispatch id returns full snapshots in request order; 404, 410 and 301 (transferred) are omitted", async () => {
    server.add({
      number: 1,
      title: "One",
      body: "text",
      assignee: { login: "octo" },
      created_at: "2026-02-01T10:00:00Z",
    });
    server.add({ number: 3, state: "closed" });
    server.fault({ kind: "status", status: 410, body: '{"message":"This issue was deleted"}' }, "/issues/5");
    server.fault(
      {
        kind: "status",
        status: 301,
        headers: { location: "https://elsewhere.example/repos/other/x/issues/6" },
      },
      "/issues/6",
    );
    const result = await tracker().fetchIssuesByIds(["3", "4", "1", "5", "6", "3"], signal);
    expect(result.ok && ids(result.value)).toEqual(["3", "1"]);
    expect(result.ok && result.value[1]).toEqual({
      id: "1",
      identifier: "GH-1",
      title: "One",
      description: "text",
      priority: null,
      state: "open",
      branchName: null,
      url: "https://github.com/acme/app/issues/1",
      assigneeId: "octo",
      labels: [],
      blockedBy: [],
      dispatchable: true,
      nativeRef: { id: 1001, node_id: "I_node1", number: 1, repo: "acme/app", pull_request: false },
      createdAt: Date.parse("2026-02-01T10:00:00Z"),
      updatedAt: Date.parse("2026-01-01T00:00:00Z"),
    });
  });

  it("ID refresh: a transient failure (500, 429, timeout) is an error, never 'gone'", async () => {
    server.add({ number: 1 });
    server.fault({ kind: "status", status: 500 }, "/issues/1");
    const failed = await tracker().fetchIssuesByIds(["1"], signal);
    expect(!failed.ok && failed.error).toMatchObject({
      category: "tracker_status",
      status: 500,
      retryable: true,
    });
    server.fault({ kind: "status", status: 429, headers: { "retry-after": "7" } }, "/issues/1");
    const limited = await tracker().fetchIssuesByIds(["1"], signal);
    expect(!limited.ok && limited.error).toMatchObject({
      category: "tracker_rate_limited",
      retryAfterMs: 7000,
    });
    server.fault({ kind: "hang" }, "/issues/1");
    const clock = new ManualClock();
    const pending = tracker({ timeout_ms: 5_000 }, clock).fetchIssuesByIds(["1"], signal);
    const before = server.requests.length;
    await until(() => server.requests.length > before, 2_000, "request at the server");
    clock.advance(5_000);
    const slow = await pending;
    expect(!slow.ok && slow.error.category).toBe("tracker_request");
    expect(!slow.ok && slow.error.message).toContain("timed out");
  });

  it("ID refresh: a non-numeric id is a request error", async () => {
    const result = await tracker().fetchIssuesByIds(["GH-1"], signal);
    expect(!result.ok && result.error.category).toBe("tracker_request");
    expect(server.requests).toHaveLength(0);
  });

  it("17.3: native_ref keeps the provider's database id, node id and number", async () => {
    server.add({ number: 9 });
    const result = await tracker().fetchIssuesByIds(["9"], signal);
    expect(result.ok && result.value[0]?.nativeRef).toMatchObject({
      id: 1009,
      node_id: "I_node9",
      number: 9,
    });
  });

  it("17.3: pull requests are explicitly not dispatchable", async () => {
    server.add({ number: 1 });
    server.add({ number: 2, pull_request: { url: "https://api.github.com/repos/acme/app/pulls/2" } });
    const result = await tracker().fetchIssuesByStates(["open"], signal);
    expect(result.ok && result.value.map((i) => [i.id, i.dispatchable])).toEqual([
      ["1", true],
      ["2", false],
    ]);
  });
});

describe("github tracker: 17.3 error mapping", () => {
  const cases: [string, Parameters<FakeGithubServer["fault"]>[0], string][] = [
    ["401 → tracker_auth", { kind: "status", status: 401 }, "tracker_auth"],
    ["403 → tracker_auth", { kind: "status", status: 403 }, "tracker_auth"],
    [
      "403 with x-ratelimit-remaining 0 → tracker_rate_limited",
      {
        kind: "status",
        status: 403,
        headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1800000030" },
      },
      "tracker_rate_limited",
    ],
    [
      "429 → tracker_rate_limited",
      { kind: "status", status: 429, headers: { "retry-after": "3" } },
      "tracker_rate_limited",
    ],
    ["500 → tracker_status", { kind: "status", status: 500 }, "tracker_status"],
    ["malformed JSON → tracker_response", { kind: "malformed" }, "tracker_response"],
  ];
  for (const [name, fault, category] of cases) {
    it(`17.3: ${name}`, async () => {
      server.fault(fault);
      const result = await tracker().fetchIssuesByStates(["open"], signal);
      expect(!result.ok && result.error.category).toBe(category);
    });
  }

  it("17.3: rate-limit waits come from Retry-After, else from x-ratelimit-reset", async () => {
    server.fault({ kind: "status", status: 429, headers: { "retry-after": "3" } });
    const a = await tracker().fetchIssuesByStates(["open"], signal);
    expect(!a.ok && a.error.retryAfterMs).toBe(3000);
    server.fault({
      kind: "status",
      status: 403,
      headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1800000030" },
    });
    const b = await tracker().fetchIssuesByStates(["open"], signal);
    expect(!b.ok && b.error.retryAfterMs).toBe(30_000);
  });

  it("a wrong token is refused by the server and mapped to tracker_auth", async () => {
    const parsed = parseGithubProvider(
      { repo: "acme/app", token: "wrong", api_url: server.url },
      { workflowDir: "/", env: {} },
    );
    if (!parsed.ok) throw new Error("config");
    const result = await new GithubTracker(parsed.value, logger, new ManualClock(0)).fetchIssuesByStates(
      ["open"],
      signal,
    );
    expect(!result.ok && result.error.category).toBe("tracker_auth");
  });

  it("sends the documented headers and the token only as a bearer credential", async () => {
    await tracker().fetchIssuesByStates(["open"], signal);
    const headers = server.requests[0]?.headers ?? {};
    expect(headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(headers.accept).toBe("application/vnd.github+json");
    expect(headers["x-github-api-version"]).toBe("2022-11-28");
  });

  it("rateLimits() exposes the latest x-ratelimit-* headers", async () => {
    const t = tracker();
    expect(t.rateLimits()).toBeNull();
    await t.fetchIssuesByStates(["open"], signal);
    expect(t.rateLimits()).toEqual({
      limit: 5000,
      remaining: 4999,
      reset: 1900000000,
      used: 1,
      resource: "core",
    });
  });

  it("an aborted signal stops the request with tracker_request", async () => {
    server.fault({ kind: "hang" });
    const controller = new AbortController();
    const pending = tracker().fetchIssuesByStates(["open"], controller.signal);
    controller.abort();
    const result = await pending;
    expect(!result.ok && result.error.category).toBe("tracker_request");
  });

  it("after a rate limit, calls fail fast until the wait is over (no request), then resume", async () => {
    const clock = new ManualClock(1_800_000_000_000);
    const t = tracker({}, clock);
    server.fault({ kind: "status", status: 429, headers: { "retry-after": "60" } });
    expect((await t.fetchIssuesByStates(["open"], signal)).ok).toBe(false);
    const during = await t.fetchIssuesByStates(["open"], signal);
    expect(!during.ok && during.error).toMatchObject({
      category: "tracker_rate_limited",
      retryAfterMs: 60_000,
    });
    expect(server.requests).toHaveLength(1);
    clock.advance(60_000);
    expect((await t.fetchIssuesByStates(["open"], signal)).ok).toBe(true);
    expect(server.requests).toHaveLength(2);
  });

  it("close() aborts an in-flight request and later calls fail without a request", async () => {
    server.fault({ kind: "hang" });
    const t = tracker();
    const pending = t.fetchIssuesByStates(["open"], signal);
    await until(() => server.requests.length === 1, 2_000);
    await t.close();
    const result = await pending;
    expect(!result.ok && result.error.category).toBe("tracker_request");
    expect((await t.fetchIssuesByIds(["1"], signal)).ok).toBe(false);
    expect(server.requests).toHaveLength(1);
  });
});
