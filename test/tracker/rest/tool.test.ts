import { describe, expect, it } from "vitest";
import type { Issue } from "../../../src/domain/issue.js";
import { parseRestToolCall, type RestToolOptions } from "../../../src/tracker/rest/tool.js";

const options: RestToolOptions = {
  name: "x_api",
  provider: "X",
  methods: ["GET", "POST"],
  queryKey: "params",
  scopeHint: "/scope/...",
  checkScope: (pathname, _method) => (pathname.startsWith("/scope/") ? null : "outside /scope"),
};
const context = { issue: {} as Issue, signal: new AbortController().signal };

describe("REST tool input", () => {
  it("keeps a query written in the path and appends params, lists repeated", () => {
    const call = parseRestToolCall(
      {
        method: " get ",
        path: "/scope/items?state=open&q=a?b",
        params: { labels: ["a", "b"], n: 2, f: true },
      },
      options,
      context,
    );
    expect(call.ok && call.value.method).toBe("GET");
    expect(call.ok && call.value.pathname).toBe("/scope/items");
    expect(call.ok && call.value.query.toString()).toBe("state=open&q=a%3Fb&labels=a&labels=b&n=2&f=true");
  });

  it("null params are allowed; a body is kept for POST", () => {
    const call = parseRestToolCall(
      { method: "POST", path: "/scope/a", params: null, body: [1] },
      options,
      context,
    );
    expect(call.ok && call.value.body).toEqual([1]);
  });

  const refused: [string, unknown, string][] = [
    ["invalid percent-encoding", { method: "GET", path: "/scope/%zz" }, "invalid_input"],
    ["trailing slash (empty segment)", { method: "GET", path: "/scope/a/" }, "invalid_input"],
    ["a fragment", { method: "GET", path: "/scope/a#x" }, "invalid_input"],
    ["a backslash", { method: "GET", path: "/scope\\..\\x" }, "invalid_input"],
    [
      "a non-finite number param",
      { method: "GET", path: "/scope/a", params: { n: Number.NaN } },
      "invalid_input",
    ],
    ["a method that is not a string", { method: 1, path: "/scope/a" }, "invalid_input"],
    ["a tab hiding a dot-dot segment", { method: "GET", path: "/scope/a/\t../../other" }, "invalid_input"],
    ["a space", { method: "GET", path: "/scope/a b" }, "invalid_input"],
    ["a path the URL parser would rewrite", { method: "GET", path: "/scope/%2e./x" }, "invalid_input"],
    ["out of scope", { method: "GET", path: "/other/a" }, "out_of_scope"],
  ];
  for (const [name, args, kind] of refused) {
    it(`refuses ${name} (${kind})`, () => {
      const call = parseRestToolCall(args, options, context);
      expect(!call.ok && call.error.kind).toBe(kind);
    });
  }
});
