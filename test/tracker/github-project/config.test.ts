import { describe, expect, it } from "vitest";
import { buildServiceConfig } from "../../../src/config/build-config.js";
import { CONFIG_KINDS } from "../../../src/kinds.js";
import { parseGithubProjectProvider } from "../../../src/tracker/github-project/config.js";

const ctx = (env: NodeJS.ProcessEnv = {}) => ({ workflowDir: "/w", env });
const keysOf = (r: ReturnType<typeof parseGithubProjectProvider>) => (r.ok ? [] : r.error.map((e) => e.key));

describe("parseGithubProjectProvider", () => {
  it("applies defaults; the token comes from GITHUB_TOKEN", () => {
    const r = parseGithubProjectProvider({ owner: "acme", project: 7 }, ctx({ GITHUB_TOKEN: "ghp_env" }));
    expect(r).toEqual({
      ok: true,
      value: {
        endpoint: "https://api.github.com/graphql",
        token: "ghp_env",
        secretEnvNames: ["GITHUB_TOKEN"],
        owner: "acme",
        projectNumber: 7,
        statusField: "Status",
        priorityField: "Priority",
        timeoutMs: 30_000,
        pageSize: 50,
        maxPages: 200,
        minRateRemaining: 100,
      },
    });
  });

  it("reads $VAR tokens (recorded as secret names), field names and a string project number", () => {
    const r = parseGithubProjectProvider(
      {
        owner: "octocat",
        project: "12",
        token: "$PROJ_TOKEN",
        status_field: "Stage",
        priority_field: "Urgency",
      },
      ctx({ PROJ_TOKEN: "t1" }),
    );
    expect(r.ok && r.value).toMatchObject({
      token: "t1",
      secretEnvNames: ["GITHUB_TOKEN", "PROJ_TOKEN"],
      projectNumber: 12,
      statusField: "Stage",
      priorityField: "Urgency",
    });
  });

  it("reports a missing token, owner and project, a bad login and a plain-http remote endpoint", () => {
    expect(keysOf(parseGithubProjectProvider({}, ctx()))).toEqual([
      "tracker.provider.project",
      "tracker.provider.token",
      "tracker.provider.owner",
    ]);
    const bad = parseGithubProjectProvider(
      { owner: "no such/owner", project: 0, endpoint: "http://example.com/graphql", page_size: 101 },
      ctx({ GITHUB_TOKEN: "t" }),
    );
    expect(keysOf(bad).sort()).toEqual([
      "tracker.provider.endpoint",
      "tracker.provider.owner",
      "tracker.provider.page_size",
      "tracker.provider.project",
    ]);
  });

  it("is a registered kind: default states Todo/In Progress → Done, the token is a secret value", () => {
    const r = buildServiceConfig(
      { tracker: { kind: "github_project", provider: { owner: "acme", project: 3, token: "$GH" } } },
      { workflowPath: "/w/WORKFLOW.md", env: { GH: "ghp_secret" }, kinds: CONFIG_KINDS },
    );
    expect(r.ok && r.value.tracker.activeStates).toEqual(["Todo", "In Progress"]);
    expect(r.ok && r.value.tracker.terminalStates).toEqual(["Done"]);
    expect(r.ok && r.value.secretValues).toContain("ghp_secret");
  });
});
