import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type FakeGithubProjectServer,
  startFakeGithubProjectServer,
} from "../../support/fake-github-project-server.js";
import { projectAdapter } from "../../support/github-project/fixture.js";
import { ManualClock } from "../../support/manual-clock.js";

let server: FakeGithubProjectServer;
const never = new AbortController().signal;

beforeEach(async () => {
  server = await startFakeGithubProjectServer();
});
afterEach(async () => {
  await server.close();
});

describe("GitHub Projects adapter against a loopback GitHub executing the public schema", () => {
  it("reads issues and drafts by Status, mapping priority, labels, assignee and ids", async () => {
    const store = server.store;
    const a = store.add({ title: "Fix login", priority: "P1", labels: ["Bug", "bug "], assignee: "octocat" });
    const draft = store.add({ title: "Write docs", number: null, status: "In Progress", priority: "P0" });
    store.add({ title: "Shipped", status: "Done" });
    store.add({ title: "Unsorted", status: null });
    store.add({ title: "A pull request", type: "PULL_REQUEST" });
    store.add({ title: "Archived", archived: true });
    const { adapter, warnings } = projectAdapter(server);
    const result = await adapter.fetchIssuesByStates(["todo", " In Progress "], never);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.map((i) => [i.identifier, i.state, i.priority])).toEqual([
      [`app-${a.number}`, "Todo", 2],
      [`draft-${draft.itemId.slice(-8)}`, "In Progress", 1],
    ]);
    const issue = result.value[0];
    expect(issue).toMatchObject({
      id: a.itemId,
      title: "Fix login",
      description: "Body of Fix login",
      labels: ["bug"],
      assigneeId: "octocat",
      url: `https://github.com/acme/app/issues/${a.number}`,
      dispatchable: true,
      nativeRef: { itemId: a.itemId, contentId: a.contentId, contentType: "Issue", repository: "acme/app" },
    });
    expect(result.value[1]?.url).toBeNull();
    expect(warnings).toEqual([]);
    const unsorted = await adapter.fetchIssuesByStates(["No Status"], never);
    expect(unsorted.ok && unsorted.value.map((i) => i.title)).toEqual(["Unsorted"]);
    expect(server.requests.every((r) => r.authorization === `Bearer ${server.token}`)).toBe(true);
  });

  it("a number priority field is read as its integer value", async () => {
    server.store.add({ title: "Numbered", priority: 3 });
    const { adapter } = projectAdapter(server);
    const result = await adapter.fetchIssuesByStates(["Todo"], never);
    expect(result.ok && result.value[0]?.priority).toBe(3);
  });

  it("open sub-issues block a Todo item until they close", async () => {
    const store = server.store;
    const child = store.add({ title: "Child", status: "In Progress" });
    store.loose.push({ contentId: "I_loose", number: 99, repo: "lib", state: "CLOSED" });
    const parent = store.add({ title: "Parent", subIssues: [child.contentId, "I_loose"] });
    const { adapter } = projectAdapter(server);
    const first = await adapter.fetchIssuesByStates(["Todo"], never);
    const blocked = first.ok ? first.value.find((i) => i.id === parent.itemId) : undefined;
    expect(blocked?.dispatchable).toBe(false);
    expect(blocked?.blockedBy).toEqual([
      { id: child.contentId, identifier: `app-${child.number}`, state: "open" },
      { id: "I_loose", identifier: "lib-99", state: "closed" },
    ]);
    child.issueState = "CLOSED";
    const second = await adapter.fetchIssuesByIds([parent.itemId], never);
    expect(second.ok && second.value[0]?.dispatchable).toBe(true);
  });

  it("follows cursors across pages and stops on a repeated cursor", async () => {
    for (let i = 0; i < 5; i += 1) server.store.add({ title: `Item ${i}` });
    const { adapter } = projectAdapter(server, { pageSize: 2 });
    const all = await adapter.fetchIssuesByStates(["Todo"], never);
    expect(all.ok && all.value.length).toBe(5);
    expect(server.requests.map((r) => r.variables.after)).toEqual([null, "Mg==", "NA=="]);

    const repeating = {
      data: {
        rateLimit: {
          cost: 1,
          remaining: 4000,
          limit: 5000,
          resetAt: new Date(Date.now() + 60_000).toISOString(),
        },
        repositoryOwner: {
          projectV2: {
            id: server.store.projectId,
            statusField: { id: "F", name: "Status", options: [] },
            priorityField: null,
            items: { nodes: [], pageInfo: { hasNextPage: true, endCursor: "same" } },
          },
        },
      },
    };
    server.failNext(200, repeating, 2);
    const looped = await adapter.fetchIssuesByStates(["Todo"], never);
    expect(looped.ok ? null : looped.error.category).toBe("tracker_pagination");
    expect(looped.ok ? "" : looped.error.message).toContain("same cursor twice");
  });

  it("refreshes by item id; deleted items and items of other projects are omitted", async () => {
    const a = server.store.add({ title: "Kept" });
    const b = server.store.add({ title: "Deleted later" });
    const { adapter } = projectAdapter(server);
    server.store.items.splice(server.store.items.indexOf(b), 1);
    const result = await adapter.fetchIssuesByIds([a.itemId, b.itemId, a.itemId], never);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.map((i) => i.id)).toEqual([a.itemId]);
    const byId = server.requests.find((r) => r.operationName === "SymphonyGithubProjectItemsById");
    expect(byId?.variables.ids).toEqual([a.itemId, b.itemId]);
  });

  it("moves an item's Status with updateProjectV2ItemFieldValue and comments on its issue", async () => {
    const a = server.store.add({ title: "Move me" });
    const draft = server.store.add({ title: "Draft", number: null });
    const { adapter } = projectAdapter(server);
    expect(await adapter.moveIssue(a.itemId, "human review", never)).toEqual({ ok: true, value: undefined });
    expect(server.store.moves).toEqual([{ itemId: a.itemId, status: "Human Review" }]);
    const moved = await adapter.fetchIssuesByIds([a.itemId], never);
    expect(moved.ok && moved.value[0]?.state).toBe("Human Review");

    const missing = await adapter.moveIssue(a.itemId, "Shipped", never);
    expect(missing.ok ? null : missing.error).toMatchObject({ category: "tracker_request" });
    expect(missing.ok ? "" : missing.error.message).toContain('no option "Shipped"');

    expect((await adapter.addComment(a.itemId, "Opened a PR", never)).ok).toBe(true);
    expect(server.store.comments).toEqual([{ id: "IC_1", subjectId: a.contentId, body: "Opened a PR" }]);
    const onDraft = await adapter.addComment(draft.itemId, "nope", never);
    expect(onDraft.ok ? "" : onDraft.error.message).toContain("draft issue");
  });

  it("a project that does not exist and a bad token are typed errors", async () => {
    const { adapter } = projectAdapter(server, { projectNumber: 99 });
    const missing = await adapter.fetchIssuesByStates(["Todo"], never);
    expect(missing.ok ? null : missing.error.message).toContain("acme/projects/99 not found");
    const { adapter: badToken } = projectAdapter(server, { token: "wrong" });
    const refused = await badToken.fetchIssuesByStates(["Todo"], never);
    expect(refused.ok ? null : refused.error.category).toBe("tracker_auth");
    expect(JSON.stringify(refused)).not.toContain(server.token);
  });

  it("backs off when rateLimit.remaining drops below the floor, until resetAt", async () => {
    server.store.add({ title: "Only" });
    const clock = new ManualClock(Date.parse("2026-01-01T00:00:00Z"));
    server.store.rate = { limit: 5000, remaining: 6, resetAt: "2026-01-01T00:10:00Z" };
    const { adapter } = projectAdapter(server, { minRateRemaining: 5 }, clock);
    expect((await adapter.fetchIssuesByStates(["Todo"], never)).ok).toBe(true);
    // That request spent a point: 5 remain, no longer above the floor? 5 < 5 is false, so one more goes out.
    expect((await adapter.fetchIssuesByStates(["Todo"], never)).ok).toBe(true);
    const held = await adapter.fetchIssuesByStates(["Todo"], never);
    expect(held.ok ? null : held.error).toMatchObject({
      category: "tracker_rate_limited",
      retryAfterMs: 600_000,
    });
    expect(server.requests).toHaveLength(2);
    expect(adapter.rateLimits()).toMatchObject({ remaining: 4, limit: 5000, cost: 1 });
    clock.advance(600_000);
    expect((await adapter.fetchIssuesByStates(["Todo"], never)).ok).toBe(true);
    expect(server.requests).toHaveLength(3);
  });

  it("an HTTP 403 with x-ratelimit-remaining 0 waits until x-ratelimit-reset", async () => {
    const clock = new ManualClock(1_900_000_000_000);
    const { adapter } = projectAdapter(server, {}, clock);
    server.failNext(403, { message: "API rate limit exceeded" }, 1, {
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": "1900000030",
    });
    const limited = await adapter.fetchIssuesByStates(["Todo"], never);
    expect(limited.ok ? null : limited.error).toMatchObject({
      category: "tracker_rate_limited",
      retryAfterMs: 30_000,
    });
  });
});
