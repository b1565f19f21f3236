import { describe, expect, it } from "vitest";
import { buildServiceConfig } from "../../../src/config/build-config.js";
import { silentLogger } from "../../../src/domain/logger.js";
import { buildChildEnv } from "../../../src/hosts/child-env.js";
import { CONFIG_KINDS, TRACKERS } from "../../../src/kinds.js";
import { parseJiraProvider } from "../../../src/tracker/jira/config.js";
import { createTracker } from "../../../src/tracker/registry.js";
import { systemClock } from "../../../src/util/clock.js";

const ctx = (env: NodeJS.ProcessEnv = {}) => ({ workflowDir: "/w", env });
const base = { base_url: "https://acme.atlassian.net", email: "bot@acme.test", project_key: "PROJ" };

describe("parseJiraProvider", () => {
  it("applies defaults and reads the token from JIRA_API_TOKEN when api_token is unset", () => {
    const r = parseJiraProvider(base, ctx({ JIRA_API_TOKEN: "tok" }));
    expect(r).toEqual({
      ok: true,
      value: {
        baseUrl: "https://acme.atlassian.net",
        email: "bot@acme.test",
        apiToken: "tok",
        secretEnvNames: ["JIRA_API_TOKEN"],
        projectKey: "PROJ",
        timeoutMs: 30_000,
        pageSize: 100,
      },
    });
  });

  it("reads base_url and email from JIRA_BASE_URL and JIRA_EMAIL; a trailing / is trimmed", () => {
    const r = parseJiraProvider(
      { project_key: "PROJ" },
      ctx({ JIRA_BASE_URL: "https://acme.atlassian.net/", JIRA_EMAIL: "e@x", JIRA_API_TOKEN: "t" }),
    );
    expect(r.ok && [r.value.baseUrl, r.value.email]).toEqual(["https://acme.atlassian.net", "e@x"]);
  });

  it("$VAR works for every key and the token's variable name is a secret env name", () => {
    const r = parseJiraProvider(
      { base_url: "$SITE", email: "$WHO", api_token: "$MY_TOKEN", project_key: "$KEY" },
      ctx({ SITE: "https://s.atlassian.net", WHO: "w@x", MY_TOKEN: "t1", JIRA_API_TOKEN: "t2", KEY: "ABC" }),
    );
    expect(r.ok && r.value).toMatchObject({
      baseUrl: "https://s.atlassian.net",
      email: "w@x",
      apiToken: "t1",
      projectKey: "ABC",
      secretEnvNames: ["JIRA_API_TOKEN", "MY_TOKEN"],
    });
  });

  it("an unset $VAR falls back to JIRA_API_TOKEN; a set-but-empty one is missing", () => {
    const unset = parseJiraProvider({ ...base, api_token: "$MY_TOKEN" }, ctx({ JIRA_API_TOKEN: "t2" }));
    expect(unset.ok && unset.value.apiToken).toBe("t2");
    const empty = parseJiraProvider(
      { ...base, api_token: "$MY_TOKEN" },
      ctx({ MY_TOKEN: " ", JIRA_API_TOKEN: "t2" }),
    );
    expect(!empty.ok && empty.error).toEqual([
      expect.objectContaining({
        key: "tracker.provider.api_token",
        code: "missing_tracker_secret",
        message: "Jira API token is missing: set $MY_TOKEN (or JIRA_API_TOKEN)",
      }),
    ]);
  });

  it.each([
    [{ ...base, base_url: "http://acme.atlassian.net" }, "tracker.provider.base_url", "must use https"],
    [
      { ...base, base_url: "https://acme.atlassian.net?x=1" },
      "tracker.provider.base_url",
      "a query or a fragment",
    ],
    [{ ...base, base_url: "https://u:p@acme.atlassian.net" }, "tracker.provider.base_url", "credentials"],
    [{ ...base, base_url: "ftp://acme" }, "tracker.provider.base_url", "must use https"],
    [{ ...base, base_url: "not a url" }, "tracker.provider.base_url", "must be an https URL"],
    [{ email: "e", project_key: "P" }, "tracker.provider.base_url", "is required"],
    [{ ...base, email: undefined }, "tracker.provider.email", "email is missing"],
    [{ ...base, project_key: " " }, "tracker.provider.project_key", "is required"],
    [{ ...base, project_key: 'P" OR 1=1' }, "tracker.provider.project_key", "must be a Jira project key"],
    [{ ...base, page_size: 101 }, "tracker.provider.page_size", "from 1 to 100"],
    [{ ...base, timeout_ms: 0 }, "tracker.provider.timeout_ms", "must be an integer"],
    [{ ...base, email: ["a"] }, "tracker.provider.email", "must be a string"],
  ])("rejects %j at %s", (raw, key, message) => {
    const r = parseJiraProvider(raw, ctx({ JIRA_API_TOKEN: "t" }));
    expect(!r.ok && r.error).toEqual(
      expect.arrayContaining([expect.objectContaining({ key, message: expect.stringContaining(message) })]),
    );
  });

  it("plain http is accepted only for loopback hosts (tests, local proxies)", () => {
    for (const url of ["http://127.0.0.1:8080", "http://localhost:9"]) {
      expect(parseJiraProvider({ ...base, base_url: url }, ctx({ JIRA_API_TOKEN: "t" })).ok).toBe(true);
    }
  });

  it("a missing token is missing_tracker_secret and errors never echo a secret value", () => {
    const r = parseJiraProvider({ ...base, api_token: ["hunter2"] }, ctx());
    expect(!r.ok && r.error.map((e) => e.code)).toContain("invalid_workflow_config");
    expect(JSON.stringify(r)).not.toContain("hunter2");
  });
});

describe("jira through the config loader and registry", () => {
  const env = { JIRA_API_TOKEN: "jira-secret-123", JIRA_EMAIL: "e@x", PATH: "/usr/bin", HOME: "/h" };

  it("builds a jira adapter whose secret env names keep the token out of child environments", async () => {
    const built = buildServiceConfig(
      {
        tracker: {
          kind: "jira",
          provider: { base_url: "https://a.atlassian.net", project_key: "PROJ", api_token: "$ALT" },
        },
      },
      { workflowPath: "/w/WORKFLOW.md", env: { ...env, ALT: "alt-secret-456" }, kinds: CONFIG_KINDS },
    );
    if (!built.ok) throw new Error(JSON.stringify(built.error));
    expect(built.value.tracker.activeStates).toEqual(["To Do", "In Progress"]);
    expect(built.value.tracker.terminalStates).toEqual(["Done"]);
    expect(built.value.secretValues).toContain("alt-secret-456");
    const adapter = await createTracker(built.value, { logger: silentLogger, clock: systemClock }, TRACKERS);
    if (!adapter.ok) throw new Error(adapter.error.message);
    expect(adapter.value.kind).toBe("jira");
    expect(adapter.value.toolSpecs().map((t) => t.name)).toEqual(["jira_rest"]);
    const child = buildChildEnv({
      parent: { ...env, ALT: "alt-secret-456" },
      extra: { JIRA_API_TOKEN: "jira-secret-123", ALT: "alt-secret-456", OK: "1" },
      removeNames: adapter.value.secretEnvNames(),
    });
    expect(JSON.stringify(child)).not.toContain("secret");
    expect(child.OK).toBe("1");
  });
});
