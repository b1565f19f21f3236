import { describe, expect, it } from "vitest";
import { parseLinearProvider } from "../../../src/tracker/linear/config.js";

const ctx = (env: NodeJS.ProcessEnv = {}) => ({ workflowDir: "/w", env });

describe("parseLinearProvider", () => {
  it("applies defaults and reads the API key from LINEAR_API_KEY when api_key is unset", () => {
    const r = parseLinearProvider({ project_slug: "proj" }, ctx({ LINEAR_API_KEY: "lin_env" }));
    expect(r).toEqual({
      ok: true,
      value: {
        endpoint: "https://api.linear.app/graphql",
        apiKey: "lin_env",
        secretEnvNames: ["LINEAR_API_KEY"],
        projectSlug: "proj",
        assignee: null,
        timeoutMs: 30_000,
        pageSize: 50,
      },
    });
  });

  it("17.1: $VAR resolution works for the documented secret key and records its name", () => {
    const r = parseLinearProvider(
      { project_slug: "p", api_key: "$MY_KEY" },
      ctx({ MY_KEY: "k1", LINEAR_API_KEY: "k2" }),
    );
    expect(r.ok && r.value.apiKey).toBe("k1");
    expect(r.ok && r.value.secretEnvNames).toEqual(["LINEAR_API_KEY", "MY_KEY"]);
  });

  it("an unset $VAR falls back to LINEAR_API_KEY; a set-but-empty one is missing", () => {
    const unset = parseLinearProvider(
      { project_slug: "p", api_key: "$MY_KEY" },
      ctx({ LINEAR_API_KEY: "k2" }),
    );
    expect(unset.ok && unset.value.apiKey).toBe("k2");
    const empty = parseLinearProvider(
      { project_slug: "p", api_key: "$MY_KEY" },
      ctx({ MY_KEY: "", LINEAR_API_KEY: "k2" }),
    );
    expect(!empty.ok && empty.error[0]).toMatchObject({
      code: "missing_tracker_secret",
      key: "tracker.provider.api_key",
    });
  });

  it("a missing key is missing_tracker_secret; a missing slug is an invalid config", () => {
    const r = parseLinearProvider({}, ctx());
    expect(!r.ok && r.error.map((e) => [e.code, e.key])).toEqual([
      ["missing_tracker_secret", "tracker.provider.api_key"],
      ["invalid_workflow_config", "tracker.provider.project_slug"],
    ]);
  });

  it("assignee: me or an id, env fallback LINEAR_ASSIGNEE, blank present is an error", () => {
    const base = { project_slug: "p", api_key: "k" };
    expect(parseLinearProvider({ ...base, assignee: "me" }, ctx())).toMatchObject({
      value: { assignee: "me" },
    });
    expect(parseLinearProvider(base, ctx({ LINEAR_ASSIGNEE: "u-1" }))).toMatchObject({
      value: { assignee: "u-1" },
    });
    expect(parseLinearProvider({ ...base, assignee: "$WHO" }, ctx({ WHO: "u-2" }))).toMatchObject({
      value: { assignee: "u-2" },
    });
    const blank = parseLinearProvider({ ...base, assignee: "  " }, ctx());
    expect(!blank.ok && blank.error[0]?.key).toBe("tracker.provider.assignee");
  });

  it("rejects wrong types, blank or non-URL endpoints and bad numbers", () => {
    const r = parseLinearProvider(
      { project_slug: 5, api_key: "k", endpoint: "ftp:/x", timeout_ms: 0, page_size: 2.5 },
      ctx(),
    );
    expect(!r.ok && r.error.map((e) => e.key).sort()).toEqual(
      [
        "tracker.provider.endpoint",
        "tracker.provider.page_size",
        "tracker.provider.project_slug",
        "tracker.provider.project_slug",
        "tracker.provider.timeout_ms",
      ].sort(),
    );
    const blank = parseLinearProvider({ project_slug: "p", api_key: "k", endpoint: " " }, ctx());
    expect(!blank.ok && blank.error[0]?.message).toMatch(/blank/);
  });
});
