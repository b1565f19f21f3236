import { describe, expect, it } from "vitest";
import { parseRestToolArgs, restToolResult } from "../../src/tracker/rest-tool.js";

describe("raw REST tool input", () => {
  it("accepts a valid call: method upper-cased, path trimmed, scalar query pairs, body kept", () => {
    expect(
      parseRestToolArgs(
        {
          method: " put ",
          path: " /rest/api/3/issue/A-1 ",
          query: { n: 1, b: false, s: "x" },
          body: { a: 1 },
        },
        "jira_rest",
        "/rest/api/3/",
      ),
    ).toEqual({
      method: "PUT",
      path: "/rest/api/3/issue/A-1",
      query: [
        ["n", "1"],
        ["b", "false"],
        ["s", "x"],
      ],
      body: { a: 1 },
    });
  });

  it.each([
    ["/rest/api/3/./issue", "path_out_of_scope"],
    ["/rest/api/3/%2E%2E/x", "path_out_of_scope"],
    ["/rest/api/3//x", "path_out_of_scope"],
    ["/rest/api/3/%2e%2e%2F2/issue", "path_out_of_scope"],
    ["/rest/api/3/x%5C..", "path_out_of_scope"],
    ["/rest/api/3/a\\b", "invalid_input"],
    ["/rest/api/3/a\tb", "invalid_input"],
    ["//evil.test/rest/api/3/", "path_out_of_scope"],
    ["/rest/api/30/x", "path_out_of_scope"],
  ])("refuses path %j (%s)", (path, kind) => {
    const result = parseRestToolArgs({ method: "GET", path }, "jira_rest", "/rest/api/3/");
    expect(result).toMatchObject({ kind });
  });

  it("a null body or query is no body / no query", () => {
    expect(
      parseRestToolArgs({ method: "GET", path: "/x", query: null, body: null }, "asana_api", "/"),
    ).toEqual({
      method: "GET",
      path: "/x",
      query: [],
      body: undefined,
    });
  });

  it("results: success only for 2xx, status and body kept", () => {
    const headers = new Headers();
    expect(restToolResult({ status: 200, headers, body: { a: 1 }, json: true })).toEqual({
      success: true,
      output: { status: 200, body: { a: 1 } },
    });
    expect(restToolResult({ status: 302, headers, body: null, json: true }).success).toBe(false);
    expect(restToolResult({ status: 422, headers, body: "bad", json: false }).success).toBe(false);
  });
});
