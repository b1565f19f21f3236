import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Issue } from "../../../src/domain/issue.js";
import { bindTools } from "../../../src/tracker/adapter.js";
import { parseToolInput } from "../../../src/tracker/linear/tools.js";
import { type FakeLinearServer, fakeIssue, startFakeLinearServer } from "../../support/fake-linear-server.js";
import { makeIssue } from "../../support/issues.js";
import { adapterFor, never } from "../../support/linear-fixture.js";

let server: FakeLinearServer;

beforeEach(async () => {
  server = await startFakeLinearServer();
  server.store.put(fakeIssue({ number: 1, stateName: "In Progress" }));
});
afterEach(async () => {
  await server.close();
});

const issue: Issue = makeIssue({
  id: "issue-1",
  identifier: "FAKE-1",
  title: "Issue 1",
  state: "In Progress",
});

async function call(args: unknown, patch: Parameters<typeof adapterFor>[1] = {}) {
  const { adapter } = adapterFor(server, patch);
  return bindTools(adapter).execute("linear_graphql", args, { issue, signal: never });
}

describe("linear_graphql tool (spec 10.5)", () => {
  it("10.5: is advertised with its input schema", () => {
    const { adapter } = adapterFor(server);
    expect(adapter.toolSpecs().map((s) => s.name)).toEqual(["linear_graphql"]);
    expect(adapter.toolSpecs()[0]?.inputSchema).toMatchObject({
      type: "object",
      required: ["query"],
      properties: { query: { type: "string" }, variables: { type: ["object", "null"] } },
    });
  });

  it("a bare query string runs with the configured auth and returns Linear's body on success", async () => {
    const result = await call('{ issue(id: "FAKE-1") { identifier state { name } } }');
    expect(result).toEqual({
      success: true,
      output: { data: { issue: { identifier: "FAKE-1", state: { name: "In Progress" } } } },
    });
    expect(server.requests[0]?.authorization).toBe(server.apiKey);
  });

  it("{query, variables} runs a mutation: issueUpdate moves the issue to another state", async () => {
    const result = await call({
      query:
        "mutation Move($id: String!, $stateId: String!) { issueUpdate(id: $id, input: {stateId: $stateId}) { success issue { state { name } } } }",
      variables: { id: "issue-1", stateId: "state-human-review" },
    });
    expect(result.success).toBe(true);
    expect(server.store.issues.get("issue-1")?.stateName).toBe("Human Review");
    expect(server.requests[0]?.operationName).toBe("Move");
  });

  it("commentCreate leaves a comment on the issue", async () => {
    const result = await call({
      query:
        "mutation($issueId: String!, $body: String!) { commentCreate(input: {issueId: $issueId, body: $body}) { success } }",
      variables: { issueId: "issue-1", body: "Ready for review" },
    });
    expect(result).toEqual({ success: true, output: { data: { commentCreate: { success: true } } } });
    expect(server.store.comments).toEqual([
      { id: "comment-1", issueId: "issue-1", body: "Ready for review" },
    ]);
  });

  it("a document with two operations is refused with a structured failure, before any request", async () => {
    const result = await call("query A { viewer { id } } query B { viewer { id } }");
    expect(result).toEqual({
      success: false,
      output: {
        error: {
          kind: "invalid_input",
          message: "linear_graphql runs exactly one operation per call; the document has 2 (A, B)",
        },
      },
    });
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    ["a blank query", { query: "   " }, "requires a non-empty `query` string"],
    ["a missing query", { variables: {} }, "requires a non-empty `query` string"],
    [
      "array variables",
      { query: "{ viewer { id } }", variables: [1] },
      "`variables` must be an object or null",
    ],
    ["a number", 42, "expects {query, variables?} or a query string"],
    ["a syntax error", "query { viewer { id }", "could not parse the query"],
    ["fragments only", "fragment F on User { id }", "the document has 0"],
  ])("%s is refused as invalid_input without a request", async (_name, args, message) => {
    const result = await call(args);
    expect(result.success).toBe(false);
    expect(result.output).toMatchObject({
      error: { kind: "invalid_input", message: expect.stringContaining(message) },
    });
    expect(server.requests).toHaveLength(0);
  });

  it("GraphQL errors are a failure with Linear's body preserved", async () => {
    const result = await call('{ issue(id: "NOPE-9") { id } }');
    expect(result.success).toBe(false);
    expect(result.output).toMatchObject({ errors: [{ message: "Entity not found: Issue" }] });
  });

  it("a query the schema rejects (HTTP 400) is a failure the agent can read", async () => {
    const result = await call("{ viewer { idd } }");
    expect(result).toMatchObject({
      success: false,
      output: { httpStatus: 400, body: { errors: [{ message: expect.stringContaining('"idd"') }] } },
    });
  });

  it("wrong variable types are rejected by Linear's schema and reported", async () => {
    const result = await call({
      query: "query($id: String!) { issue(id: $id) { id } }",
      variables: { id: 12 },
    });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.output)).toContain("String cannot represent a non string value");
  });

  it("transport and auth failures are structured failures, not exceptions", async () => {
    server.failNext({ kind: "status", status: 502, body: "<html>bad gateway</html>" });
    expect(await call("{ viewer { id } }")).toEqual({
      success: false,
      output: {
        error: { kind: "tracker_status", message: "Linear returned HTTP 502", retryable: true, status: 502 },
      },
    });
    const denied = await call("{ viewer { id } }", { apiKey: "lin_api_other" });
    expect(denied.output).toMatchObject({ error: { kind: "tracker_auth", status: 401 } });
  });

  it("an unsupported tool name fails with the supported list", async () => {
    const { adapter } = adapterFor(server);
    const result = await adapter.executeTool("jira_rest", {}, { issue, signal: never });
    expect(result).toEqual({
      success: false,
      output: { error: { message: 'Unsupported tool: "jira_rest".', supportedTools: ["linear_graphql"] } },
    });
  });

  it("parseToolInput ignores a legacy operationName and uses the document's own", () => {
    expect(parseToolInput({ query: "query Mine { viewer { id } }", operationName: "Other" })).toMatchObject({
      operationName: "Mine",
      variables: null,
    });
  });
});
