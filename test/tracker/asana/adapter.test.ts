import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ASANA_MAX_PAGES, AsanaTracker } from "../../../src/tracker/asana/adapter.js";
import type { AsanaTrackerSettings } from "../../../src/tracker/asana/config.js";
import { systemClock } from "../../../src/util/clock.js";
import {
  type FakeAsanaServer,
  fakeAsanaTask,
  startFakeAsanaServer,
} from "../../support/fake-asana-server.js";
import { ManualClock } from "../../support/manual-clock.js";
import { asanaSettings } from "../../support/rest-tracker-settings.js";
import { warningLogger } from "../../support/warning-logger.js";

const PROJECT = "1100000000000001";
let server: FakeAsanaServer;
let todo: string;
let doing: string;
let done: string;
const signal = new AbortController().signal;

const { logger, warnings } = warningLogger();

function tracker(patch: Partial<AsanaTrackerSettings> = {}): AsanaTracker {
  return new AsanaTracker(asanaSettings(server, PROJECT, patch), logger, systemClock);
}

beforeEach(async () => {
  server = await startFakeAsanaServer();
  todo = server.section(PROJECT, "To do");
  doing = server.section(PROJECT, "Doing");
  done = server.section(PROJECT, "Done");
  warnings.length = 0;
});
afterEach(async () => {
  await server.close();
});

describe("Asana adapter: state reads (spec 17.3)", () => {
  it("17.3: candidate fetch applies the active section names within the configured project", async () => {
    const other = "1100000000000002";
    const otherTodo = server.section(other, "To do");
    const a = fakeAsanaTask(PROJECT, todo);
    const b = fakeAsanaTask(PROJECT, doing);
    server.put(a, b, fakeAsanaTask(PROJECT, done, { completed: true }), fakeAsanaTask(other, otherTodo));
    const result = await tracker().fetchIssuesByStates(["to do", "DOING"], signal);
    expect(result.ok && result.value.map((i) => [i.identifier, i.state])).toEqual([
      [`ASANA-${a.gid}`, "To do"],
      [`ASANA-${b.gid}`, "Doing"],
    ]);
    const sent = server.requests[0];
    expect(sent?.path).toBe(`/api/1.0/projects/${PROJECT}/tasks`);
    expect(sent?.query.get("limit")).toBe("100");
    expect(sent?.query.get("opt_fields")).toContain("memberships.section.name");
    expect(sent?.authorization).toBe(`Bearer ${server.token}`);
  });

  it("17.3: empty fetch_issues_by_states([]) returns empty without a provider call", async () => {
    expect(await tracker().fetchIssuesByStates([], signal)).toEqual({ ok: true, value: [] });
    expect(server.requests).toHaveLength(0);
  });

  it("17.3: pagination preserves order across multiple pages (next_page.offset)", async () => {
    const list = Array.from({ length: 7 }, () => fakeAsanaTask(PROJECT, todo));
    server.put(...list);
    const result = await tracker({ pageSize: 3 }).fetchIssuesByStates(["To do"], signal);
    expect(result.ok && result.value.map((i) => i.id)).toEqual(list.map((t) => t.gid));
    expect(server.requests.map((r) => r.query.get("offset"))).toEqual([null, "off-3", "off-6"]);
  });

  it("17.3: next_page without an offset, or a repeated offset, is tracker_pagination", async () => {
    server.failNext({ kind: "status", status: 200, body: { data: [], next_page: { path: "/x" } } });
    const missing = await tracker().fetchIssuesByStates(["To do"], signal);
    expect(!missing.ok && missing.error.category).toBe("tracker_pagination");
    server.failNext({ kind: "status", status: 200, body: { data: [], next_page: { offset: "o1" } } });
    server.failNext({ kind: "status", status: 200, body: { data: [], next_page: { offset: "o1" } } });
    const loop = await tracker().fetchIssuesByStates(["To do"], signal);
    expect(!loop.ok && loop.error).toMatchObject({
      category: "tracker_pagination",
      message: expect.stringContaining("repeated"),
    });
  });

  it("a task repeated on a later page appears once", async () => {
    const task = {
      gid: "5",
      name: "moving",
      completed: false,
      memberships: [{ project: { gid: PROJECT }, section: { gid: todo, name: "To do" } }],
    };
    server.failNext({ kind: "status", status: 200, body: { data: [task], next_page: { offset: "o2" } } });
    server.failNext({ kind: "status", status: 200, body: { data: [task], next_page: null } });
    const result = await tracker().fetchIssuesByStates(["To do"], signal);
    expect(result.ok && result.value.map((i) => i.id)).toEqual(["5"]);
  });

  it("17.3: labels (tag names) are normalised to lowercase", async () => {
    server.put(fakeAsanaTask(PROJECT, todo, { tags: [" Backend", "BACKEND", " ", "Urgent"] }));
    const result = await tracker().fetchIssuesByStates(["To do"], signal);
    expect(result.ok && result.value[0]?.labels).toEqual(["backend", "urgent"]);
  });

  it("17.3: completed tasks and section rows are not dispatchable; native_ref keeps task/project/section gids", async () => {
    const open = fakeAsanaTask(PROJECT, todo, { assigneeGid: "42" });
    const closed = fakeAsanaTask(PROJECT, todo, { completed: true });
    const header = fakeAsanaTask(PROJECT, todo, { resourceSubtype: "section" });
    server.put(open, closed, header);
    const result = await tracker().fetchIssuesByStates(["To do"], signal);
    if (!result.ok) throw new Error(result.error.message);
    const by = new Map(result.value.map((i) => [i.id, i]));
    expect(by.get(open.gid)).toMatchObject({
      identifier: `ASANA-${open.gid}`,
      title: open.name,
      description: open.notes,
      url: `https://app.asana.com/0/${PROJECT}/${open.gid}`,
      assigneeId: "42",
      priority: null,
      branchName: null,
      blockedBy: [],
      dispatchable: true,
      createdAt: Date.parse(open.createdAt),
      updatedAt: Date.parse(open.modifiedAt),
      nativeRef: { task_gid: open.gid, project_gid: PROJECT, section_gid: todo },
    });
    expect(by.get(closed.gid)?.dispatchable).toBe(false);
    expect(by.get(header.gid)?.dispatchable).toBe(false);
  });

  it("17.3: state-list reads omit malformed records with one warning each; optional junk normalises to null", async () => {
    const section = { gid: todo, name: "To do" };
    server.failNext({
      kind: "status",
      status: 200,
      body: {
        data: [
          { gid: "1", name: "no section", completed: false, memberships: [{ project: { gid: PROJECT } }] },
          {
            gid: "2",
            name: "junk optionals",
            completed: false,
            memberships: [{ project: { gid: PROJECT }, section }],
            notes: 7,
            tags: "x",
            created_at: "soon",
            modified_at: null,
            permalink_url: 3,
            assignee: "me",
          },
        ],
        next_page: null,
      },
    });
    const result = await tracker().fetchIssuesByStates(["To do"], signal);
    expect(result.ok && result.value).toEqual([
      expect.objectContaining({
        id: "2",
        description: null,
        labels: [],
        createdAt: null,
        updatedAt: null,
        url: null,
        assigneeId: null,
      }),
    ]);
    expect(warnings).toEqual([
      {
        message: "skipping malformed asana task",
        fields: { task_gid: "1", reason: "no section in the project" },
      },
    ]);
  });

  it("an unknown project is tracker_status 404, not an empty list", async () => {
    const result = await tracker({ projectGid: "999" }).fetchIssuesByStates(["To do"], signal);
    expect(!result.ok && result.error).toMatchObject({ category: "tracker_status", status: 404 });
  });
});

describe("Asana adapter: ID refresh (spec 17.3)", () => {
  it("17.3: empty fetch_issues_by_ids([]) returns empty without a provider call", async () => {
    expect(await tracker().fetchIssuesByIds([], signal)).toEqual({ ok: true, value: [] });
    expect(server.requests).toHaveLength(0);
  });

  it("17.3: refresh returns full snapshots; 404, other-project and non-gid ids are omitted", async () => {
    const other = "1100000000000003";
    const a = fakeAsanaTask(PROJECT, doing, { tags: ["X"] });
    const elsewhere = fakeAsanaTask(other, server.section(other, "To do"));
    server.put(a, elsewhere);
    const result = await tracker().fetchIssuesByIds(
      [a.gid, "123", elsewhere.gid, "../projects", a.gid],
      signal,
    );
    expect(result.ok && result.value).toEqual([
      expect.objectContaining({ id: a.gid, state: "Doing", labels: ["x"], dispatchable: true }),
    ]);
    expect(server.requests.map((r) => r.path).sort()).toEqual(
      [`/api/1.0/tasks/${a.gid}`, "/api/1.0/tasks/123", `/api/1.0/tasks/${elsewhere.gid}`].sort(),
    );
  });

  it("17.3: ID refresh fails a malformed requested record", async () => {
    const a = fakeAsanaTask(PROJECT, todo);
    server.put(a);
    server.failNext({
      kind: "status",
      status: 200,
      body: {
        data: { gid: a.gid, memberships: [{ project: { gid: PROJECT }, section: { name: "To do" } }] },
      },
    });
    const result = await tracker().fetchIssuesByIds([a.gid], signal);
    expect(!result.ok && result.error).toMatchObject({
      category: "tracker_response",
      message: expect.stringContaining("missing name"),
    });
  });

  it("a transient failure during refresh (500, 429) is an error, never 'gone'", async () => {
    const a = fakeAsanaTask(PROJECT, todo);
    const b = fakeAsanaTask(PROJECT, todo);
    server.put(a, b);
    server.failNext(
      { kind: "status", status: 500, body: { errors: [{ message: "Server Error", phrase: "6 sad squid" }] } },
      b.gid,
    );
    const five = await tracker().fetchIssuesByIds([a.gid, b.gid], signal);
    expect(!five.ok && five.error).toMatchObject({
      category: "tracker_status",
      status: 500,
      retryable: true,
    });
    server.failNext({ kind: "status", status: 429, headers: { "retry-after": "30" } }, a.gid);
    const limited = await tracker().fetchIssuesByIds([a.gid], signal);
    expect(!limited.ok && limited.error).toMatchObject({
      category: "tracker_rate_limited",
      retryAfterMs: 30_000,
    });
  });
});

describe("Asana adapter: error mapping (spec 17.3)", () => {
  it("401 → tracker_auth", async () => {
    const result = await tracker({ apiKey: "nope" }).fetchIssuesByStates(["To do"], signal);
    expect(!result.ok && result.error).toMatchObject({
      category: "tracker_auth",
      status: 401,
      message: expect.stringContaining("Not Authorized"),
    });
  });

  it("429 with Retry-After → tracker_rate_limited; reads wait out the cooldown on the injected clock", async () => {
    server.failNext({
      kind: "status",
      status: 429,
      headers: { "retry-after": "12" },
      body: { errors: [{ message: "You've made too many requests" }] },
    });
    const clock = new ManualClock();
    const t = new AsanaTracker(asanaSettings(server, PROJECT, { secretEnvNames: [] }), logger, clock);
    const result = await t.fetchIssuesByStates(["To do"], signal);
    expect(!result.ok && result.error).toMatchObject({
      category: "tracker_rate_limited",
      retryAfterMs: 12_000,
    });
    expect(t.rateLimits()).toEqual({ retryAfter: 12 });
    clock.advance(11_000);
    const cooling = await t.fetchIssuesByIds(["123"], signal);
    expect(!cooling.ok && cooling.error).toMatchObject({
      category: "tracker_rate_limited",
      retryAfterMs: 1_000,
    });
    expect(server.requests).toHaveLength(1);
    clock.advance(1_000);
    expect((await t.fetchIssuesByStates(["To do"], signal)).ok).toBe(true);
    expect(server.requests).toHaveLength(2);
  });

  it("malformed JSON and a wrong envelope → tracker_response", async () => {
    server.failNext({ kind: "malformed_json" });
    const bad = await tracker().fetchIssuesByStates(["To do"], signal);
    expect(!bad.ok && bad.error.category).toBe("tracker_response");
    server.failNext({ kind: "status", status: 200, body: { data: { not: "a list" } } });
    const shape = await tracker().fetchIssuesByStates(["To do"], signal);
    expect(!shape.ok && shape.error.category).toBe("tracker_response");
  });

  it("a hung server → tracker_request after timeout_ms", async () => {
    server.failNext({ kind: "hang" });
    const result = await tracker({ timeoutMs: 200 }).fetchIssuesByStates(["To do"], signal);
    expect(!result.ok && result.error).toMatchObject({
      category: "tracker_request",
      message: expect.stringContaining("timed out"),
    });
  });

  it("the page limit stops a runaway offset loop with tracker_pagination", async () => {
    server.put(fakeAsanaTask(PROJECT, todo));
    server.setRunaway(true);
    const result = await tracker({ pageSize: 1 }).fetchIssuesByStates(["To do"], signal);
    expect(!result.ok && result.error).toMatchObject({
      category: "tracker_pagination",
      message: expect.stringContaining(`${ASANA_MAX_PAGES} pages`),
    });
    expect(server.requests).toHaveLength(ASANA_MAX_PAGES);
  });
});
