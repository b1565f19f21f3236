import { describe, expect, it } from "vitest";
import { buildServiceConfig } from "../../../src/config/build-config.js";
import { CONFIG_KINDS } from "../../../src/kinds.js";
import { parseGithubProvider } from "../../../src/tracker/github/config.js";

const ctx = (env: NodeJS.ProcessEnv = {}) => ({ workflowDir: "/w", env });
const keysOf = (r: ReturnType<typeof parseGithubProvider>) => (r.ok ? [] : r.error.map((e) => e.key));

describe("parseGithubProvider", () => {
  it("applies defaults and reads the token from GITHUB_TOKEN and the repo from GITHUB_REPO", () => {
    const r = parseGithubProvider({}, ctx({ GITHUB_TOKEN: "ghp_env", GITHUB_REPO: "acme/app" }));
    expect(r).toEqual({
      ok: true,
      value: {
        apiUrl: "https://api.github.com",
        token: "ghp_env",
        secretEnvNames: ["GITHUB_TOKEN"],
        owner: "acme",
        repo: "app",
        stateLabelPrefix: null,
        timeoutMs: 30_000,
        pageSize: 100,
        maxPages: 100,
      },
    });
  });

  it("17.1: $VAR in token is resolved and its name is recorded as a secret env name", () => {
    const r = parseGithubProvider({ repo: "a/b", token: "$MY_GH" }, ctx({ MY_GH: "t1", GITHUB_TOKEN: "t2" }));
    expect(r.ok && r.value.token).toBe("t1");
    expect(r.ok && r.value.secretEnvNames).toEqual(["GITHUB_TOKEN", "MY_GH"]);
  });

  it("an unset $VAR falls back to GITHUB_TOKEN; a set-but-empty one is missing", () => {
    const unset = parseGithubProvider({ repo: "a/b", token: "$MY_GH" }, ctx({ GITHUB_TOKEN: "t2" }));
    expect(unset.ok && unset.value.token).toBe("t2");
    const empty = parseGithubProvider(
      { repo: "a/b", token: "$MY_GH" },
      ctx({ MY_GH: " ", GITHUB_TOKEN: "t2" }),
    );
    expect(!empty.ok && empty.error[0]).toMatchObject({
      key: "tracker.provider.token",
      code: "missing_tracker_secret",
    });
    expect(!empty.ok && empty.error[0]?.message).toContain("$MY_GH");
  });

  it("a missing token is missing_tracker_secret and the message never shows a value", () => {
    const r = parseGithubProvider({ repo: "a/b" }, ctx());
    expect(!r.ok && r.error).toEqual([
      expect.objectContaining({ key: "tracker.provider.token", code: "missing_tracker_secret" }),
    ]);
  });

  it("accepts the flat Elixir keys api_key (token) and endpoint (api_url)", () => {
    const r = parseGithubProvider(
      { repo: "a/b", api_key: "lit", endpoint: "https://ghe.example/api/v3/" },
      ctx(),
    );
    expect(r.ok && [r.value.token, r.value.apiUrl]).toEqual(["lit", "https://ghe.example/api/v3"]);
  });

  const invalid: [string, Record<string, unknown>, string][] = [
    ["repo missing", {}, "tracker.provider.repo"],
    ["repo without owner", { repo: "app" }, "tracker.provider.repo"],
    ["repo with three parts", { repo: "a/b/c" }, "tracker.provider.repo"],
    ["repo with a dot-dot part", { repo: "../b" }, "tracker.provider.repo"],
    ["repo not a string", { repo: 3 }, "tracker.provider.repo"],
    [
      "api_url plain http off loopback",
      { repo: "a/b", api_url: "http://api.github.com" },
      "tracker.provider.api_url",
    ],
    ["api_url not a URL", { repo: "a/b", api_url: "github" }, "tracker.provider.api_url"],
    ["api_url with a query", { repo: "a/b", api_url: "https://x.example/?a=1" }, "tracker.provider.api_url"],
    [
      "api_url with credentials",
      { repo: "a/b", api_url: "https://u:p@x.example" },
      "tracker.provider.api_url",
    ],
    ["timeout_ms zero", { repo: "a/b", timeout_ms: 0 }, "tracker.provider.timeout_ms"],
    ["page_size over 100", { repo: "a/b", page_size: 101 }, "tracker.provider.page_size"],
    ["max_pages not an integer", { repo: "a/b", max_pages: 1.5 }, "tracker.provider.max_pages"],
    ["state_labels blank", { repo: "a/b", state_labels: " " }, "tracker.provider.state_labels"],
    ["state_labels a list", { repo: "a/b", state_labels: ["x"] }, "tracker.provider.state_labels"],
  ];
  for (const [name, raw, key] of invalid) {
    it(`rejects ${name}`, () => {
      expect(keysOf(parseGithubProvider(raw, ctx({ GITHUB_TOKEN: "t" })))).toEqual([key]);
    });
  }

  it("allows plain http only on loopback (for tests and local proxies)", () => {
    for (const url of ["http://127.0.0.1:8080", "http://localhost:1/api"]) {
      expect(parseGithubProvider({ repo: "a/b", api_url: url }, ctx({ GITHUB_TOKEN: "t" })).ok).toBe(true);
    }
  });

  it("state_labels: true means the prefix status:, a string is lower-cased", () => {
    const on = parseGithubProvider({ repo: "a/b", state_labels: true }, ctx({ GITHUB_TOKEN: "t" }));
    expect(on.ok && on.value.stateLabelPrefix).toBe("status:");
    const custom = parseGithubProvider({ repo: "a/b", state_labels: "Stage/" }, ctx({ GITHUB_TOKEN: "t" }));
    expect(custom.ok && custom.value.stateLabelPrefix).toBe("stage/");
  });

  it("reports every problem in one pass", () => {
    expect(keysOf(parseGithubProvider({ repo: "x", api_url: "ftp://a" }, ctx()))).toEqual([
      "tracker.provider.api_url",
      "tracker.provider.token",
      "tracker.provider.repo",
    ]);
  });
});

describe("github kind in WORKFLOW.md config", () => {
  it("defaults to active [open] / terminal [closed] and registers the token for redaction", () => {
    const r = buildServiceConfig(
      { tracker: { kind: "github", provider: { repo: "acme/app", token: "$GH" } } },
      { workflowPath: "/w/WORKFLOW.md", env: { GH: "ghp_secret" }, kinds: CONFIG_KINDS },
    );
    expect(r.ok && r.value.tracker.activeStates).toEqual(["open"]);
    expect(r.ok && r.value.tracker.terminalStates).toEqual(["closed"]);
    expect(r.ok && r.value.secretValues).toContain("ghp_secret");
  });

  const load = (tracker: Record<string, unknown>) =>
    buildServiceConfig(
      { tracker: { kind: "github", provider: { repo: "a/b" }, ...tracker } },
      { workflowPath: "/w/WORKFLOW.md", env: { GITHUB_TOKEN: "t" }, kinds: CONFIG_KINDS },
    );

  it("states GitHub can never report are config errors (Todo, opened, closed as active)", () => {
    const r = load({ active_states: ["Todo", "open"], terminal_states: ["Done"] });
    expect(!r.ok && r.error.map((e) => [e.key, e.code])).toEqual([
      ["tracker.active_states", "invalid_workflow_config"],
      ["tracker.terminal_states", "invalid_workflow_config"],
    ]);
    expect(!r.ok && r.error[0]?.message).toContain('"Todo"');
    expect(load({ active_states: ["closed"] }).ok).toBe(false);
    expect(load({ active_states: ["OPEN"], terminal_states: ["Closed"] }).ok).toBe(true);
  });

  it("with state_labels, active states are label names (not closed) and terminal states are free", () => {
    const ok = load({
      provider: { repo: "a/b", state_labels: "status:" },
      active_states: ["todo", "in-progress"],
      terminal_states: ["closed", "done"],
    });
    expect(ok.ok).toBe(true);
    const bad = load({ provider: { repo: "a/b", state_labels: true }, active_states: ["todo", "closed"] });
    expect(!bad.ok && bad.error.map((e) => e.key)).toEqual(["tracker.active_states"]);
  });
});
