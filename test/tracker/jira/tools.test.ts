import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Issue } from "../../../src/domain/issue.js";
import { silentLogger } from "../../../src/domain/logger.js";
import { bindTools } from "../../../src/tracker/adapter.js";
import { JiraTracker } from "../../../src/tracker/jira/adapter.js";
import { systemClock } from "../../../src/util/clock.js";
import { type FakeJiraServer, fakeJiraIssue, startFakeJiraServer } from "../../support/fake-jira-server.js";
import { jiraSettings } from "../../support/rest-tracker-settings.js";

let server: FakeJiraServer;
let adapter: JiraTracker;
const signal = new AbortController().signal;
const issue = { id: "1", identifier: "PROJ-1" } as Issue;
const call = (args: unknown) => adapter.executeTool("jira_rest", args, { issue, signal });

beforeEach(async () => {
  server = await startFakeJiraServer();
  adapter = new JiraTracker(jiraSettings(server, { timeoutMs: 500 }), ["Done"], silentLogger, systemClock);
  server.put(fakeJiraIssue("PROJ-1"));
});
afterEach(async () => {
  await server.close();
});

describe("jira_rest tool", () => {
  it("a valid call runs host-side with Symphony's credentials and returns {status, body}", async () => {
    const adf = {
      type: "doc",
      version: 1,
      content: [{ type: "paragraph", content: [{ type: "text", text: "hi" }] }],
    };
    const result = await call({
      method: "post",
      path: "/rest/api/3/issue/PROJ-1/comment",
      body: { body: adf },
    });
    expect(result).toEqual({ success: true, output: { status: 201, body: { id: "1", body: adf } } });
    expect(server.comments).toEqual([{ issueKey: "PROJ-1", body: adf }]);
    expect(server.requests.at(-1)?.authorization).toMatch(/^Basic /);
  });

  it("query parameters are sent; a transition moves the issue (204 → body null)", async () => {
    const get = await call({
      method: "GET",
      path: "/rest/api/3/issue/PROJ-1",
      query: { fields: "summary", expand: true },
    });
    expect(get.success).toBe(true);
    expect(server.requests.at(-1)?.query.get("fields")).toBe("summary");
    const move = await call({
      method: "POST",
      path: "/rest/api/3/issue/PROJ-1/transitions",
      body: { transition: { id: "31" } },
    });
    expect(move).toEqual({ success: true, output: { status: 204, body: null } });
    expect(server.issues.get("PROJ-1")?.status).toBe("Done");
  });

  it("a non-2xx reply is success=false with Jira's status and body", async () => {
    const result = await call({ method: "GET", path: "/rest/api/3/issue/NOPE-9" });
    expect(result).toEqual({
      success: false,
      output: { status: 404, body: { errorMessages: ["Issue does not exist"], errors: {} } },
    });
  });

  it.each([
    ["a path outside /rest/api/3/", { method: "GET", path: "/rest/api/2/issue/PROJ-1" }, "out_of_scope"],
    ["an agile API path", { method: "GET", path: "/rest/agile/1.0/board" }, "out_of_scope"],
    ["dot segments", { method: "GET", path: "/rest/api/3/../../secure/admin" }, "invalid_input"],
    ["encoded dot segments", { method: "GET", path: "/rest/api/3/%2e%2e/2/issue" }, "invalid_input"],
    ["an absolute URL", { method: "GET", path: "https://evil.test/rest/api/3/x" }, "invalid_input"],
    ["a CR/LF in the path", { method: "GET", path: "/rest/api/3/issue\r\nX: y" }, "invalid_input"],
    ["a fragment in the path", { method: "GET", path: "/rest/api/3/issue/PROJ-1#x" }, "invalid_input"],
    ["PATCH", { method: "PATCH", path: "/rest/api/3/issue/PROJ-1" }, "invalid_input"],
    [
      "a non-object query",
      { method: "GET", path: "/rest/api/3/issue/PROJ-1", query: ["a"] },
      "invalid_input",
    ],
    [
      "a nested query value",
      { method: "GET", path: "/rest/api/3/issue/PROJ-1", query: { a: { b: 1 } } },
      "invalid_input",
    ],
    ["unknown fields", { method: "GET", path: "/rest/api/3/issue/PROJ-1", url: "x" }, "invalid_input"],
    ["a non-object input", "GET /rest/api/3/issue/PROJ-1", "invalid_input"],
  ])("refuses %s before any request", async (_name, args, kind) => {
    const result = await call(args);
    expect(result.success).toBe(false);
    expect((result.output as { error: { kind: string } }).error.kind).toBe(kind);
    expect(server.requests).toHaveLength(0);
  });

  it("a transport failure is a structured result, never a throw", async () => {
    server.failNext({ kind: "hang" });
    const result = await call({ method: "GET", path: "/rest/api/3/issue/PROJ-1" });
    expect(result).toMatchObject({
      success: false,
      output: { error: { kind: "tracker_request", message: expect.stringContaining("timed out") } },
    });
  });

  it("unknown tool names fail with the supported list (through bindTools)", async () => {
    const bound = bindTools(adapter);
    expect(bound.specs.map((s) => s.name)).toEqual(["jira_rest"]);
    const result = await bound.execute("linear_graphql", {}, { issue, signal });
    expect(result).toEqual({
      success: false,
      output: { error: { message: 'Unsupported tool: "linear_graphql".', supportedTools: ["jira_rest"] } },
    });
  });
});
