import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeLinearServer, fakeIssue, startFakeLinearServer } from "../../support/fake-linear-server.js";
import { adapterFor, never } from "../../support/linear-fixture.js";

let server: FakeLinearServer;

beforeEach(async () => {
  server = await startFakeLinearServer();
});
afterEach(async () => {
  await server.close();
});

const ids = (issues: readonly { id: string }[]) => issues.map((i) => i.id);

describe("Linear adapter: reads against a loopback Linear executing the real schema", () => {
  it("17.3: candidate fetch applies the configured active states and the project scope", async () => {
    server.store.put(
      fakeIssue({ number: 1, stateName: "Todo" }),
      fakeIssue({ number: 2, stateName: "In Progress" }),
      fakeIssue({ number: 3, stateName: "Done" }),
      fakeIssue({ number: 4, stateName: "Todo", projectSlug: "other-project" }),
      fakeIssue({ number: 5, stateName: "Backlog" }),
    );
    const { adapter } = adapterFor(server);
    const result = await adapter.fetchIssuesByStates(["Todo", "In Progress"], never);
    expect(result.ok && ids(result.value)).toEqual(["issue-1", "issue-2"]);
    const request = server.requests[0];
    expect(request?.operationName).toBe("SymphonyLinearPoll");
    expect(request?.variables).toMatchObject({
      projectSlug: "proj-slug",
      stateFilter: { or: [{ name: { eqIgnoreCase: "Todo" } }, { name: { eqIgnoreCase: "In Progress" } }] },
    });
  });

  it("4.2: configured state names match Linear's case-insensitively after trimming", async () => {
    server.store.put(
      fakeIssue({ number: 50, stateName: "Todo" }),
      fakeIssue({ number: 51, stateName: "In Progress" }),
      fakeIssue({ number: 52, stateName: "Done" }),
    );
    const { adapter } = adapterFor(server);
    const result = await adapter.fetchIssuesByStates(["todo", "  IN PROGRESS ", "Todo", " "], never);
    expect(result.ok && ids(result.value)).toEqual(["issue-50", "issue-51"]);
    expect(server.requests[0]?.variables.stateFilter).toEqual({
      or: [{ name: { eqIgnoreCase: "Todo" } }, { name: { eqIgnoreCase: "IN PROGRESS" } }],
    });
  });

  it("17.3: empty fetch_issues_by_states([]) returns empty without a provider call", async () => {
    const { adapter } = adapterFor(server);
    expect(await adapter.fetchIssuesByStates([], never)).toEqual({ ok: true, value: [] });
    expect(server.requests).toHaveLength(0);
  });

  it("17.3: empty fetch_issues_by_ids([]) returns empty without a provider call", async () => {
    const { adapter } = adapterFor(server);
    expect(await adapter.fetchIssuesByIds([], never)).toEqual({ ok: true, value: [] });
    expect(server.requests).toHaveLength(0);
  });

  it("17.3: pagination preserves order across multiple pages (every page fetched)", async () => {
    const issues = Array.from({ length: 123 }, (_, i) => fakeIssue({ number: 1000 + i }));
    server.store.put(...[...issues].reverse());
    const { adapter } = adapterFor(server, { pageSize: 10 });
    const result = await adapter.fetchIssuesByStates(["Todo"], never);
    expect(result.ok && ids(result.value)).toEqual(ids(issues));
    expect(server.requests).toHaveLength(13);
    expect(server.requests.map((r) => r.variables.after ?? null)[0]).toBeNull();
    expect(new Set(server.requests.map((r) => r.variables.after)).size).toBe(13);
  });

  it("a runaway pagination loop stops at the page limit with tracker_pagination", async () => {
    server.store.put(...Array.from({ length: 30 }, (_, i) => fakeIssue({ number: 2000 + i })));
    const { adapter } = adapterFor(server, { pageSize: 5 }, 3);
    const result = await adapter.fetchIssuesByStates(["Todo"], never);
    expect(result.ok ? null : result.error.category).toBe("tracker_pagination");
    expect(server.requests).toHaveLength(3);
  });

  it("17.3: hasNextPage without an endCursor is a tracker_pagination error", async () => {
    server.failNext({
      kind: "raw",
      body: { data: { issues: { nodes: [], pageInfo: { hasNextPage: true, endCursor: null } } } },
    });
    const { adapter } = adapterFor(server);
    const result = await adapter.fetchIssuesByStates(["Todo"], never);
    expect(result.ok ? null : result.error).toMatchObject({ category: "tracker_pagination" });
  });

  it.each([
    ["no nodes list", { data: { issues: { pageInfo: { hasNextPage: false } } } }, "no issues.nodes list"],
    ["no pageInfo", { data: { issues: { nodes: [] } } }, "no pageInfo"],
    [
      "pageInfo without hasNextPage",
      { data: { issues: { nodes: [], pageInfo: {} } } },
      "without hasNextPage",
    ],
  ])("11.4: a page with %s is tracker_response (unknown payload)", async (_name, body, message) => {
    server.failNext({ kind: "raw", body });
    const { adapter } = adapterFor(server);
    const result = await adapter.fetchIssuesByStates(["Todo"], never);
    expect(result.ok ? null : result.error).toMatchObject({
      category: "tracker_response",
      message: expect.stringContaining(message),
    });
  });

  it("a cursor that repeats is a tracker_pagination error, not an endless loop", async () => {
    const page = { data: { issues: { nodes: [], pageInfo: { hasNextPage: true, endCursor: "same" } } } };
    server.failNext({ kind: "raw", body: page }, 2);
    const { adapter } = adapterFor(server);
    const result = await adapter.fetchIssuesByStates(["Todo"], never);
    expect(result.ok ? null : result.error).toMatchObject({
      category: "tracker_pagination",
      message: expect.stringContaining("same cursor twice"),
    });
    expect(server.requests).toHaveLength(2);
  });

  it("`assignee: me` without a viewer id fails with tracker_response and no issue read", async () => {
    server.failNext({ kind: "raw", body: { data: { viewer: { id: "" } } } });
    const { adapter } = adapterFor(server, { assignee: "me" });
    const result = await adapter.fetchIssuesByStates(["Todo"], never);
    expect(result.ok ? null : result.error).toMatchObject({ category: "tracker_response" });
    expect(server.requests.map((r) => r.operationName)).toEqual(["SymphonyLinearViewer"]);
  });

  it("more labels than one page reads are kept, and the truncation is logged", async () => {
    const labels = Array.from({ length: 55 }, (_, i) => `label-${i}`);
    server.store.put(fakeIssue({ number: 40, labels }));
    const { adapter, logger } = adapterFor(server);
    const result = await adapter.fetchIssuesByStates(["Todo"], never);
    expect(result.ok && result.value[0]?.labels).toHaveLength(50);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ message: "linear issue labels truncated", level: "warn" }),
    );
  });

  it("17.3: an empty project returns an empty list", async () => {
    server.store.put(fakeIssue({ projectSlug: "someone-else" }));
    const { adapter } = adapterFor(server);
    expect(await adapter.fetchIssuesByStates(["Todo", "In Progress"], never)).toEqual({
      ok: true,
      value: [],
    });
    expect(server.requests).toHaveLength(1);
  });

  it("17.3: labels are normalised to lowercase, trimmed and de-duplicated", async () => {
    server.store.put(fakeIssue({ number: 10, labels: ["Bug", " bug ", "Needs-Review", "  "] }));
    const { adapter } = adapterFor(server);
    const result = await adapter.fetchIssuesByStates(["Todo"], never);
    expect(result.ok && result.value[0]?.labels).toEqual(["bug", "needs-review"]);
  });

  it("17.3: a full normalised Issue comes back with every field (priority, url, branch, timestamps)", async () => {
    server.store.put(fakeIssue({ number: 11, priority: 1, assigneeId: "user-7", labels: ["Backend"] }));
    const { adapter } = adapterFor(server);
    const result = await adapter.fetchIssuesByStates(["Todo"], never);
    expect(result.ok && result.value[0]).toEqual({
      id: "issue-11",
      identifier: "FAKE-11",
      title: "Issue 11",
      description: "Description of issue 11",
      priority: 1,
      state: "Todo",
      branchName: "fake-11-work",
      url: "https://linear.app/fake/issue/FAKE-11",
      assigneeId: "user-7",
      labels: ["backend"],
      blockedBy: [],
      dispatchable: true,
      nativeRef: null,
      createdAt: Date.UTC(2026, 0, 1) + 11_000,
      updatedAt: Date.UTC(2026, 0, 2) + 11_000,
    });
  });

  it("17.3: unusable optional metadata normalises to null without hiding valid required fields", async () => {
    server.store.put(
      fakeIssue({
        number: 12,
        overrides: {
          priority: 2.5,
          createdAt: "yesterday",
          updatedAt: "2026-13-45",
          branchName: "",
          url: "",
        },
      }),
    );
    const { adapter } = adapterFor(server);
    const result = await adapter.fetchIssuesByStates(["Todo"], never);
    expect(result.ok && result.value[0]).toMatchObject({
      id: "issue-12",
      identifier: "FAKE-12",
      title: "Issue 12",
      state: "Todo",
      priority: null,
      createdAt: null,
      updatedAt: null,
      branchName: null,
      url: null,
    });
  });

  it("17.3: state-list reads omit malformed required records and log the omission", async () => {
    server.store.put(fakeIssue({ number: 13 }), fakeIssue({ number: 14, overrides: { title: "  " } }));
    const { adapter, logger } = adapterFor(server);
    const result = await adapter.fetchIssuesByStates(["Todo"], never);
    expect(result.ok && ids(result.value)).toEqual(["issue-13"]);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: "warn",
        message: "linear issue omitted: malformed",
        fields: expect.objectContaining({ issue_id: "issue-14", reason: "missing title" }),
      }),
    );
  });

  it("17.3: ID refresh fails on a malformed requested record instead of treating it as invisible", async () => {
    server.store.put(fakeIssue({ number: 15 }), fakeIssue({ number: 16, overrides: { identifier: "" } }));
    const { adapter } = adapterFor(server);
    const result = await adapter.fetchIssuesByIds(["issue-15", "issue-16"], never);
    expect(result.ok ? null : result.error).toMatchObject({ category: "tracker_response" });
  });

  it("17.3: refresh by opaque dispatch id returns full snapshots, omits invisible ids, pages past 50", async () => {
    const issues = Array.from({ length: 120 }, (_, i) =>
      fakeIssue({ number: 3000 + i, stateName: "In Progress" }),
    );
    server.store.put(...issues, fakeIssue({ number: 3500, projectSlug: "other-project" }));
    const { adapter } = adapterFor(server);
    const wanted = [...ids(issues).reverse(), "issue-3500", "issue-missing", "issue-3000"];
    const result = await adapter.fetchIssuesByIds(wanted, never);
    expect(result.ok && ids(result.value)).toEqual(ids(issues).reverse());
    expect(result.ok && result.value[0]).toMatchObject({ identifier: "FAKE-3119", state: "In Progress" });
    expect(server.requests.map((r) => r.operationName)).toEqual(Array(3).fill("SymphonyLinearIssuesById"));
    expect(server.requests.map((r) => (r.variables.ids as string[]).length)).toEqual([50, 50, 22]);
  });

  it("17.3: blockers come from inverse `blocks` relations; a Todo issue with an open blocker is not dispatchable", async () => {
    server.store.put(
      fakeIssue({ number: 20, stateName: "In Progress" }),
      fakeIssue({ number: 21, stateName: "Done" }),
      fakeIssue({ number: 22, stateName: "Todo", blockedBy: ["issue-20"] }),
      fakeIssue({ number: 23, stateName: "Todo", blockedBy: ["issue-21"], relatedTo: ["issue-20"] }),
      fakeIssue({ number: 24, stateName: "In Progress", blockedBy: ["issue-20"] }),
    );
    const { adapter } = adapterFor(server);
    const result = await adapter.fetchIssuesByStates(["Todo", "In Progress"], never);
    if (!result.ok) throw new Error(result.error.message);
    const byId = new Map(result.value.map((i) => [i.id, i]));
    expect(byId.get("issue-22")?.blockedBy).toEqual([
      { id: "issue-20", identifier: "FAKE-20", state: "In Progress" },
    ]);
    expect(byId.get("issue-22")?.dispatchable).toBe(false);
    expect(byId.get("issue-23")?.blockedBy).toEqual([
      { id: "issue-21", identifier: "FAKE-21", state: "Done" },
    ]);
    expect(byId.get("issue-23")?.dispatchable).toBe(true);
    expect(byId.get("issue-24")?.dispatchable).toBe(true);
  });

  it("17.3: the assignee filter becomes dispatchable=false, and unassigned issues are not routed", async () => {
    server.store.put(
      fakeIssue({ number: 30, assigneeId: "user-a" }),
      fakeIssue({ number: 31, assigneeId: "user-b" }),
      fakeIssue({ number: 32, assigneeId: null }),
    );
    const { adapter } = adapterFor(server, { assignee: "user-a" });
    const result = await adapter.fetchIssuesByStates(["Todo"], never);
    expect(result.ok && result.value.map((i) => [i.id, i.dispatchable])).toEqual([
      ["issue-30", true],
      ["issue-31", false],
      ["issue-32", false],
    ]);
  });

  it("assignee `me` is resolved once through the viewer query", async () => {
    server.store.viewerId = "user-me";
    server.store.put(
      fakeIssue({ number: 33, assigneeId: "user-me" }),
      fakeIssue({ number: 34, assigneeId: "x" }),
    );
    const { adapter } = adapterFor(server, { assignee: "me" });
    const first = await adapter.fetchIssuesByStates(["Todo"], never);
    const second = await adapter.fetchIssuesByIds(["issue-33"], never);
    expect(first.ok && first.value.map((i) => i.dispatchable)).toEqual([true, false]);
    expect(second.ok && second.value[0]?.dispatchable).toBe(true);
    expect(server.requests.map((r) => r.operationName)).toEqual([
      "SymphonyLinearViewer",
      "SymphonyLinearPoll",
      "SymphonyLinearIssuesById",
    ]);
  });

  it("17.3: the API key is sent as the raw Authorization header and only to the configured endpoint", async () => {
    server.store.put(fakeIssue());
    const { adapter, logger } = adapterFor(server);
    await adapter.fetchIssuesByStates(["Todo"], never);
    expect(server.requests[0]?.authorization).toBe(server.apiKey);
    expect(JSON.stringify(logger.lines)).not.toContain(server.apiKey);
    expect(adapter.secretEnvNames()).toEqual(["LINEAR_API_KEY"]);
  });

  it("rate-limit headers (requests and complexity remaining) are exposed via rateLimits()", async () => {
    const { adapter, clock } = adapterFor(server);
    expect(adapter.rateLimits()).toBeNull();
    server.rateLimit.requestsRemaining = 1234;
    await adapter.fetchIssuesByStates(["Todo"], never);
    expect(adapter.rateLimits()).toMatchObject({
      requestsLimit: 5000,
      requestsRemaining: 1233,
      complexityLimit: 250_000,
      complexityRemaining: 250_000,
      requestsResetAt: server.rateLimit.resetAt,
      lastQueryComplexity: 1,
      observedAt: clock.now(),
    });
  });
});
