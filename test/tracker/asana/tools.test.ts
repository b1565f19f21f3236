import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Issue } from "../../../src/domain/issue.js";
import { silentLogger } from "../../../src/domain/logger.js";
import { AsanaTracker } from "../../../src/tracker/asana/adapter.js";
import { systemClock } from "../../../src/util/clock.js";
import {
  type FakeAsanaServer,
  fakeAsanaTask,
  startFakeAsanaServer,
} from "../../support/fake-asana-server.js";
import { asanaSettings } from "../../support/rest-tracker-settings.js";

const PROJECT = "1100000000000001";
let server: FakeAsanaServer;
let adapter: AsanaTracker;
const signal = new AbortController().signal;
const issue = { id: "1", identifier: "ASANA-1" } as Issue;
const call = (args: unknown) => adapter.executeTool("asana_api", args, { issue, signal });

beforeEach(async () => {
  server = await startFakeAsanaServer();
  adapter = new AsanaTracker(asanaSettings(server, PROJECT, { timeoutMs: 500 }), silentLogger, systemClock);
});
afterEach(async () => {
  await server.close();
});

describe("asana_api tool", () => {
  it("a valid call comments on the task with Symphony's token and returns {status, body}", async () => {
    const task = fakeAsanaTask(PROJECT, server.section(PROJECT, "To do"));
    server.put(task);
    const result = await call({
      method: "POST",
      path: `/tasks/${task.gid}/stories`,
      body: { data: { text: "on it" } },
    });
    expect(result).toMatchObject({
      success: true,
      output: { status: 201, body: { data: { text: "on it" } } },
    });
    expect(server.stories).toEqual([{ taskGid: task.gid, text: "on it" }]);
    expect(server.requests.at(-1)).toMatchObject({
      path: `/api/1.0/tasks/${task.gid}/stories`,
      authorization: `Bearer ${server.token}`,
    });
  });

  it("moves a task between sections; query parameters are sent", async () => {
    const todo = server.section(PROJECT, "To do");
    const done = server.section(PROJECT, "Done");
    const task = fakeAsanaTask(PROJECT, todo);
    server.put(task);
    const move = await call({
      method: "post",
      path: `/sections/${done}/addTask`,
      body: { data: { task: task.gid } },
    });
    expect(move).toEqual({ success: true, output: { status: 200, body: { data: {} } } });
    expect(server.tasks.get(task.gid)?.sectionGid).toBe(done);
    const list = await call({ method: "GET", path: `/projects/${PROJECT}/sections`, query: { limit: 10 } });
    expect(list.success).toBe(true);
    expect(server.requests.at(-1)?.query.get("limit")).toBe("10");
  });

  it("a non-2xx reply is success=false with Asana's status and body", async () => {
    const result = await call({ method: "GET", path: "/tasks/404404" });
    expect(result).toEqual({
      success: false,
      output: {
        status: 404,
        body: { errors: [{ message: "task: Unknown object", help: expect.any(String) }] },
      },
    });
  });

  it.each([
    ["an absolute URL", { method: "GET", path: "https://evil.test/tasks/1" }, "invalid_input"],
    ["a path without a leading /", { method: "GET", path: "tasks/1" }, "invalid_input"],
    ["dot segments climbing out of the API root", { method: "GET", path: "/../../admin" }, "invalid_input"],
    ["a NUL in the path", { method: "GET", path: "/tasks/1\u0000" }, "invalid_input"],
    ["PATCH", { method: "PATCH", path: "/tasks/1" }, "invalid_input"],
    ["a missing method", { path: "/tasks/1" }, "invalid_input"],
    ["a non-object query", { method: "GET", path: "/tasks/1", query: "limit=1" }, "invalid_input"],
  ])("refuses %s before any request", async (_name, args, kind) => {
    const result = await call(args);
    expect(result.success).toBe(false);
    expect((result.output as { error: { kind: string } }).error.kind).toBe(kind);
    expect(server.requests).toHaveLength(0);
  });

  it("a transport failure is a structured result, never a throw", async () => {
    await server.close();
    const result = await call({ method: "GET", path: "/users/me" });
    expect(result).toMatchObject({
      success: false,
      output: {
        error: { kind: "tracker_request", message: expect.stringContaining("Asana request failed") },
      },
    });
  });
});
