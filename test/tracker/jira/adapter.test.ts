import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { JIRA_MAX_PAGES, JiraTracker } from "../../../src/tracker/jira/adapter.js";
import type { JiraTrackerSettings } from "../../../src/tracker/jira/config.js";
import { systemClock } from "../../../src/util/clock.js";
import { type FakeJiraServer, fakeJiraIssue, startFakeJiraServer } from "../../support/fake-jira-server.js";
import { jiraSettings } from "../../support/rest-tracker-settings.js";
import { warningLogger } from "../../support/warning-logger.js";

let server: FakeJiraServer;
const signal = new AbortController().signal;

const { logger, warnings } = warningLogger();

function tracker(patch: Partial<JiraTrackerSettings> = {}): JiraTracker {
  return new JiraTracker(jiraSettings(server, patch), ["Done", "Cancelled"], logger, systemClock);
}

beforeEach(async () => {
  server = await startFakeJiraServer();
  warnings.length = 0;
});
afterEach(async () => {
  await server.close();
});

describe("Jira adapter: state reads (spec 17.3)", () => {
  it("17.3: candidate fetch applies configured active states and the project scope", async () => {
    server.put(
      fakeJiraIssue("PROJ-1", { status: "To Do" }),
      fakeJiraIssue("PROJ-2", { status: "In Progress", category: "indeterminate" }),
      fakeJiraIssue("PROJ-3", { status: "Done", category: "done" }),
      fakeJiraIssue("OTHER-1", { status: "To Do" }),
    );
    const result = await tracker().fetchIssuesByStates(["To Do", "In Progress"], signal);
    expect(result.ok && result.value.map((i) => i.identifier)).toEqual(["PROJ-1", "PROJ-2"]);
    const sent = server.requests[0]?.body as { jql: string; fields: string[]; maxResults: number };
    expect(sent.jql).toBe(
      'project = "PROJ" AND status IN ("To Do", "In Progress") ORDER BY created ASC, key ASC',
    );
    expect(sent.fields).toContain("issuelinks");
    expect(server.requests[0]?.authorization).toBe(
      `Basic ${Buffer.from(`${server.email}:${server.token}`).toString("base64")}`,
    );
  });

  it("17.3: empty fetch_issues_by_states([]) returns empty without a provider call", async () => {
    const result = await tracker().fetchIssuesByStates([], signal);
    expect(result).toEqual({ ok: true, value: [] });
    expect(server.requests).toHaveLength(0);
  });

  it("17.3: pagination preserves order across multiple pages (nextPageToken)", async () => {
    for (let n = 1; n <= 7; n++) {
      server.put(fakeJiraIssue(`PROJ-${n}`, { created: `2024-01-0${n}T00:00:00.000+0000` }));
    }
    const result = await tracker({ pageSize: 3 }).fetchIssuesByStates(["To Do"], signal);
    expect(result.ok && result.value.map((i) => i.identifier)).toEqual([
      "PROJ-1",
      "PROJ-2",
      "PROJ-3",
      "PROJ-4",
      "PROJ-5",
      "PROJ-6",
      "PROJ-7",
    ]);
    expect(server.requests.map((r) => (r.body as { nextPageToken?: string }).nextPageToken)).toEqual([
      undefined,
      "tok-3",
      "tok-6",
    ]);
  });

  it("17.3: a page with isLast false and no nextPageToken is tracker_pagination", async () => {
    server.failNext({ kind: "status", status: 200, body: { issues: [], isLast: false } });
    const result = await tracker().fetchIssuesByStates(["To Do"], signal);
    expect(!result.ok && result.error.category).toBe("tracker_pagination");
  });

  it("17.3: a repeated nextPageToken stops with tracker_pagination instead of looping", async () => {
    server.failNext({
      kind: "status",
      status: 200,
      body: { issues: [], isLast: false, nextPageToken: "same" },
    });
    server.failNext({
      kind: "status",
      status: 200,
      body: { issues: [], isLast: false, nextPageToken: "same" },
    });
    const result = await tracker().fetchIssuesByStates(["To Do"], signal);
    expect(!result.ok && result.error).toMatchObject({
      category: "tracker_pagination",
      message: expect.stringContaining("repeated"),
    });
    expect(server.requests).toHaveLength(2);
  });

  it("the page limit stops a runaway cursor with tracker_pagination", async () => {
    server.put(fakeJiraIssue("PROJ-1"));
    server.setRunaway(true);
    const result = await tracker({ pageSize: 1 }).fetchIssuesByStates(["To Do"], signal);
    expect(!result.ok && result.error).toMatchObject({
      category: "tracker_pagination",
      message: expect.stringContaining(`${JIRA_MAX_PAGES} pages`),
    });
    expect(server.requests).toHaveLength(JIRA_MAX_PAGES);
  });

  it("an issue repeated on a later page (edited between requests) appears once", async () => {
    const issue = {
      id: "5",
      key: "PROJ-5",
      fields: { summary: "moving", status: { name: "To Do" }, project: { key: "PROJ" } },
    };
    server.failNext({
      kind: "status",
      status: 200,
      body: { issues: [issue], isLast: false, nextPageToken: "t2" },
    });
    server.failNext({ kind: "status", status: 200, body: { issues: [issue], isLast: true } });
    const result = await tracker().fetchIssuesByStates(["To Do"], signal);
    expect(result.ok && result.value.map((i) => i.id)).toEqual(["5"]);
  });

  it("17.3: labels are normalised to lowercase (trimmed, de-duplicated, blanks dropped)", async () => {
    server.put(fakeJiraIssue("PROJ-1", { labels: [" Backend ", "backend", "", "UI"] }));
    const result = await tracker().fetchIssuesByStates(["to do"], signal);
    expect(result.ok && result.value[0]?.labels).toEqual(["backend", "ui"]);
  });

  it("17.3: state-list reads omit malformed records with a warning, keeping valid ones", async () => {
    server.failNext({
      kind: "status",
      status: 200,
      body: {
        isLast: true,
        issues: [
          { id: "1", key: "PROJ-1", fields: { summary: "no status", project: { key: "PROJ" } } },
          {
            id: "2",
            key: "PROJ-2",
            fields: { summary: "ok", status: { name: "To Do" }, project: { key: "PROJ" } },
          },
        ],
      },
    });
    const result = await tracker().fetchIssuesByStates(["To Do"], signal);
    expect(result.ok && result.value.map((i) => i.id)).toEqual(["2"]);
    expect(warnings).toEqual([
      {
        message: "skipping malformed jira issue",
        fields: { issue_id: "1", reason: "missing fields.status.name" },
      },
    ]);
  });

  it("17.3: unusable optional metadata normalises to null/empty without hiding required fields", async () => {
    server.failNext({
      kind: "status",
      status: 200,
      body: {
        isLast: true,
        issues: [
          {
            id: 77,
            key: "PROJ-7",
            fields: {
              summary: "bare",
              status: { name: "To Do" },
              project: { key: "PROJ" },
              created: "yesterday",
              updated: 5,
              labels: "not-a-list",
              assignee: { displayName: "no id" },
              description: { type: "doc", content: "broken" },
              issuelinks: [{ type: { name: "Blocks" } }, "junk"],
              priority: { name: "Urgent-ish" },
            },
          },
        ],
      },
    });
    const result = await tracker().fetchIssuesByStates(["To Do"], signal);
    expect(result.ok && result.value[0]).toMatchObject({
      id: "77",
      identifier: "PROJ-7",
      title: "bare",
      state: "To Do",
      description: null,
      createdAt: null,
      updatedAt: null,
      labels: [],
      assigneeId: null,
      blockedBy: [],
      priority: null,
      dispatchable: true,
    });
  });

  it("17.3: provider blocker rules become explicit dispatchable (new-category issue with a non-terminal blocker)", async () => {
    server.put(
      fakeJiraIssue("PROJ-1", { status: "In Progress", category: "indeterminate" }),
      fakeJiraIssue("PROJ-2", { blockedBy: ["PROJ-1"] }),
      fakeJiraIssue("PROJ-3", { status: "Done", category: "done" }),
      fakeJiraIssue("PROJ-4", { blockedBy: ["PROJ-3"] }),
      fakeJiraIssue("PROJ-5", { status: "In Progress", category: "indeterminate", blockedBy: ["PROJ-2"] }),
      fakeJiraIssue("PROJ-6", { status: "todo", category: null, blockedBy: ["PROJ-1"] }),
    );
    const result = await tracker().fetchIssuesByStates(["To Do", "In Progress", "todo"], signal);
    if (!result.ok) throw new Error(result.error.message);
    const by = new Map(result.value.map((i) => [i.identifier, i]));
    expect(by.get("PROJ-2")?.blockedBy).toEqual([
      { id: by.get("PROJ-1")?.id, identifier: "PROJ-1", state: "In Progress" },
    ]);
    expect(by.get("PROJ-2")?.dispatchable).toBe(false);
    expect(by.get("PROJ-4")?.dispatchable).toBe(true); // blocker is Done (terminal)
    expect(by.get("PROJ-5")?.dispatchable).toBe(true); // in-progress category runs whatever its blockers
    expect(by.get("PROJ-6")?.dispatchable).toBe(false); // no category: a status named "todo" is gated
    expect(by.get("PROJ-1")?.blockedBy).toEqual([]); // outward links (PROJ-1 blocks PROJ-2) are not blockers
  });

  it("maps identity, url, timestamps, ADF description, assignee, priority and native_ref", async () => {
    server.put(
      fakeJiraIssue("PROJ-9", {
        assigneeAccountId: "acc-1",
        priority: "High",
        created: "2024-01-02T03:04:05.000+0100",
        description: {
          type: "doc",
          content: [
            { type: "heading", content: [{ type: "text", text: "Goal" }] },
            {
              type: "paragraph",
              content: [
                { type: "text", text: "line one" },
                { type: "hardBreak" },
                { type: "text", text: "line two" },
              ],
            },
          ],
        },
      }),
    );
    const result = await tracker().fetchIssuesByStates(["To Do"], signal);
    const issue = result.ok ? result.value[0] : undefined;
    expect(issue).toMatchObject({
      identifier: "PROJ-9",
      title: "Summary of PROJ-9",
      description: "Goal\nline one\nline two",
      url: `${server.url}/browse/PROJ-9`,
      assigneeId: "acc-1",
      priority: 2,
      branchName: null,
      createdAt: Date.parse("2024-01-02T02:04:05.000Z"),
      nativeRef: { issue_id: issue?.id, issue_key: "PROJ-9", project_key: "PROJ" },
    });
  });
});

describe("Jira adapter: ID refresh (spec 17.3)", () => {
  it("17.3: empty fetch_issues_by_ids([]) returns empty without a provider call", async () => {
    expect(await tracker().fetchIssuesByIds([], signal)).toEqual({ ok: true, value: [] });
    expect(server.requests).toHaveLength(0);
  });

  it("17.3: refresh by opaque dispatch id returns full snapshots; invisible and other-project ids are omitted", async () => {
    const a = fakeJiraIssue("PROJ-1", { status: "In Progress", category: "indeterminate", labels: ["X"] });
    const other = fakeJiraIssue("OTHER-2");
    server.put(a, other);
    const result = await tracker().fetchIssuesByIds([a.id, "999999", other.id, a.id], signal);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value).toHaveLength(1);
    expect(result.value[0]).toMatchObject({
      id: a.id,
      identifier: "PROJ-1",
      state: "In Progress",
      labels: ["x"],
    });
    expect(server.requests[0]).toMatchObject({ method: "POST", path: "/rest/api/3/issue/bulkfetch" });
    expect((server.requests[0]?.body as { issueIdsOrKeys?: string[] } | undefined)?.issueIdsOrKeys).toEqual([
      a.id,
      "999999",
      other.id,
    ]);
  });

  it("batches the bulk fetch in chunks of 100 ids", async () => {
    const ids = Array.from({ length: 150 }, (_, n) => String(500_000 + n));
    const result = await tracker().fetchIssuesByIds(ids, signal);
    expect(result).toEqual({ ok: true, value: [] });
    expect(
      server.requests.map((r) => (r.body as { issueIdsOrKeys: string[] }).issueIdsOrKeys.length),
    ).toEqual([100, 50]);
  });

  it("17.3: ID refresh fails a malformed requested record instead of treating it as invisible", async () => {
    server.failNext({
      kind: "status",
      status: 200,
      body: {
        issues: [{ id: "1", key: "PROJ-1", fields: { project: { key: "PROJ" }, status: { name: "To Do" } } }],
        issueErrors: [],
      },
    });
    const result = await tracker().fetchIssuesByIds(["1"], signal);
    expect(!result.ok && result.error).toMatchObject({ category: "tracker_response" });
  });

  it("a transient failure during refresh is an error, never 'gone' (500, 429, issueErrors 5xx)", async () => {
    const a = fakeJiraIssue("PROJ-1");
    server.put(a);
    server.failNext({ kind: "status", status: 500, body: { errorMessages: ["boom"] } });
    const five = await tracker().fetchIssuesByIds([a.id], signal);
    expect(!five.ok && five.error).toMatchObject({
      category: "tracker_status",
      status: 500,
      retryable: true,
    });
    server.failNext({
      kind: "status",
      status: 200,
      body: { issues: [], issueErrors: [{ status: 503, errorMessages: ["later"] }] },
    });
    const partial = await tracker().fetchIssuesByIds([a.id], signal);
    expect(!partial.ok && partial.error).toMatchObject({ category: "tracker_status", status: 503 });
  });
});
