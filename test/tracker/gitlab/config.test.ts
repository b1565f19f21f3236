import { describe, expect, it } from "vitest";
import { buildServiceConfig } from "../../../src/config/build-config.js";
import { CONFIG_KINDS } from "../../../src/kinds.js";
import { parseGitlabProvider } from "../../../src/tracker/gitlab/config.js";

const ctx = (env: NodeJS.ProcessEnv = {}) => ({ workflowDir: "/w", env });
const keysOf = (r: ReturnType<typeof parseGitlabProvider>) => (r.ok ? [] : r.error.map((e) => e.key));

describe("parseGitlabProvider", () => {
  it("applies defaults and reads the token from GITLAB_PAT and the project from GITLAB_PROJECT_PATH", () => {
    const r = parseGitlabProvider({}, ctx({ GITLAB_PAT: "glpat", GITLAB_PROJECT_PATH: "grp/sub/app" }));
    expect(r).toEqual({
      ok: true,
      value: {
        apiUrl: "https://gitlab.com/api/v4",
        apiKey: "glpat",
        secretEnvNames: ["GITLAB_PAT", "GITLAB_ACCESS_TOKEN"],
        projectPath: "grp/sub/app",
        timeoutMs: 30_000,
        pageSize: 100,
        maxPages: 100,
      },
    });
  });

  it("17.1: $VAR in api_key is resolved and its name is recorded as a secret env name", () => {
    const r = parseGitlabProvider(
      { project_path: "a/b", api_key: "$MY_GL" },
      ctx({ MY_GL: "k1", GITLAB_PAT: "k2" }),
    );
    expect(r.ok && r.value.apiKey).toBe("k1");
    expect(r.ok && r.value.secretEnvNames).toEqual(["GITLAB_PAT", "GITLAB_ACCESS_TOKEN", "MY_GL"]);
  });

  it("an unset $VAR falls back to GITLAB_PAT; a set-but-empty one is missing", () => {
    const unset = parseGitlabProvider({ project_path: "a/b", api_key: "$MY_GL" }, ctx({ GITLAB_PAT: "k2" }));
    expect(unset.ok && unset.value.apiKey).toBe("k2");
    const empty = parseGitlabProvider(
      { project_path: "a/b", api_key: "$MY_GL" },
      ctx({ MY_GL: "", GITLAB_PAT: "k2" }),
    );
    expect(!empty.ok && empty.error[0]).toMatchObject({
      key: "tracker.provider.api_key",
      code: "missing_tracker_secret",
    });
  });

  it("$VAR works for project_path too, and surrounding slashes are dropped", () => {
    const r = parseGitlabProvider({ project_path: "$P", api_key: "k" }, ctx({ P: "/grp/app/" }));
    expect(r.ok && r.value.projectPath).toBe("grp/app");
  });

  it("accepts the flat Elixir key endpoint and a token alias", () => {
    const r = parseGitlabProvider(
      { project_path: "a/b", token: "lit", endpoint: "https://gl.example/api/v4/" },
      ctx(),
    );
    expect(r.ok && [r.value.apiKey, r.value.apiUrl]).toEqual(["lit", "https://gl.example/api/v4"]);
  });

  const invalid: [string, Record<string, unknown>, string][] = [
    ["project_path missing", {}, "tracker.provider.project_path"],
    ["project_path with whitespace", { project_path: "a/my app" }, "tracker.provider.project_path"],
    ["project_path with a dot-dot segment", { project_path: "a/../b" }, "tracker.provider.project_path"],
    ["project_path with an empty segment", { project_path: "a//b" }, "tracker.provider.project_path"],
    ["project_path already encoded", { project_path: "a%2Fb" }, "tracker.provider.project_path"],
    [
      "api_url plain http off loopback",
      { project_path: "a/b", api_url: "http://gitlab.com/api/v4" },
      "tracker.provider.api_url",
    ],
    [
      "api_url with a fragment",
      { project_path: "a/b", api_url: "https://gl.example/#x" },
      "tracker.provider.api_url",
    ],
    ["page_size zero", { project_path: "a/b", page_size: 0 }, "tracker.provider.page_size"],
    ["timeout_ms a string", { project_path: "a/b", timeout_ms: "10" }, "tracker.provider.timeout_ms"],
  ];
  for (const [name, raw, key] of invalid) {
    it(`rejects ${name}`, () => {
      expect(keysOf(parseGitlabProvider(raw, ctx({ GITLAB_PAT: "t" })))).toEqual([key]);
    });
  }

  it("a missing token is missing_tracker_secret", () => {
    const r = parseGitlabProvider({ project_path: "a/b" }, ctx());
    expect(!r.ok && r.error).toEqual([
      expect.objectContaining({ key: "tracker.provider.api_key", code: "missing_tracker_secret" }),
    ]);
  });
});

describe("gitlab kind in WORKFLOW.md config", () => {
  it("defaults to active [opened] / terminal [closed], folds flat api_key, and registers the token for redaction", () => {
    const r = buildServiceConfig(
      { tracker: { kind: "gitlab", api_key: "$GL", provider: { project_path: "g/app" } } },
      { workflowPath: "/w/WORKFLOW.md", env: { GL: "glpat-secret" }, kinds: CONFIG_KINDS },
    );
    expect(r.ok && r.value.tracker.activeStates).toEqual(["opened"]);
    expect(r.ok && r.value.tracker.terminalStates).toEqual(["closed"]);
    expect(r.ok && r.value.secretValues).toContain("glpat-secret");
  });

  it("states GitLab can never report are config errors (open instead of opened, Todo)", () => {
    const load = (tracker: Record<string, unknown>) =>
      buildServiceConfig(
        { tracker: { kind: "gitlab", provider: { project_path: "g/p", api_key: "k" }, ...tracker } },
        { workflowPath: "/w/WORKFLOW.md", env: {}, kinds: CONFIG_KINDS },
      );
    const r = load({ active_states: ["open"], terminal_states: ["Todo"] });
    expect(!r.ok && r.error.map((e) => e.key)).toEqual(["tracker.active_states", "tracker.terminal_states"]);
    expect(load({ active_states: ["Opened"], terminal_states: ["CLOSED"] }).ok).toBe(true);
  });
});
