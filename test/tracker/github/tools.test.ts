import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Issue } from "../../../src/domain/issue.js";
import { silentLogger } from "../../../src/domain/logger.js";
import { buildChildEnv } from "../../../src/hosts/child-env.js";
import { bindTools } from "../../../src/tracker/adapter.js";
import { GithubTracker } from "../../../src/tracker/github/adapter.js";
import { parseGithubProvider } from "../../../src/tracker/github/config.js";
import { type FakeGithubServer, startFakeGithubServer } from "../../support/fake-github-server.js";
import { makeIssue } from "../../support/issues.js";
import { ManualClock } from "../../support/manual-clock.js";
import { until } from "../../support/until.js";

const TOKEN = "ghp_tool_secret";
let server: FakeGithubServer;
let tracker: GithubTracker;
let clock: ManualClock;

const issue: Issue = makeIssue({
  id: "1",
  identifier: "GH-1",
  title: "t",
  state: "open",
  nativeRef: { number: 1 },
});
const context = () => ({ issue, signal: new AbortController().signal });

function make(apiUrl: string, env: NodeJS.ProcessEnv = {}, token: string = TOKEN): GithubTracker {
  const parsed = parseGithubProvider(
    { repo: "Acme/App", token, api_url: apiUrl, timeout_ms: 5_000 },
    { workflowDir: "/", env },
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  return new GithubTracker(parsed.value, silentLogger, clock);
}

beforeEach(async () => {
  clock = new ManualClock();
  server = await startFakeGithubServer("Acme", "App", TOKEN);
  server.add({ number: 1 });
  tracker = make(server.url);
});
afterEach(async () => {
  await server.close();
});

describe("github_api tool", () => {
  it("advertises one tool, github_api, with method/path required", () => {
    const specs = tracker.toolSpecs();
    expect(specs.map((s) => s.name)).toEqual(["github_api"]);
    expect(specs[0]?.inputSchema).toMatchObject({
      required: ["method", "path"],
      additionalProperties: false,
    });
  });

  it("a valid call returns {status, body} with success for 2xx and changes the fake repository", async () => {
    const result = await tracker.executeTool(
      "github_api",
      { method: "post", path: "/repos/Acme/App/issues/1/comments", body: { body: "done" } },
      context(),
    );
    expect(result).toEqual({ success: true, output: { status: 201, body: { id: 1, body: "done" } } });
    const patch = await tracker.executeTool(
      "github_api",
      { method: "PATCH", path: "/repos/acme/app/issues/1", body: { state: "closed" } },
      context(),
    );
    expect(patch.success).toBe(true);
    expect(server.issues.get(1)?.state).toBe("closed");
  });

  it("params become the query string; a non-2xx keeps status and body with success=false", async () => {
    const list = await tracker.executeTool(
      "github_api",
      { method: "GET", path: "/repos/Acme/App/issues", params: { state: "all", per_page: 5 } },
      context(),
    );
    expect(list.success).toBe(true);
    expect(server.requests.at(-1)?.query.get("per_page")).toBe("5");
    const missing = await tracker.executeTool(
      "github_api",
      { method: "GET", path: "/repos/Acme/App/issues/99" },
      context(),
    );
    expect(missing).toEqual({ success: false, output: { status: 404, body: { message: "Not Found" } } });
  });

  const refusals: [string, unknown][] = [
    ["another repository", { method: "GET", path: "/repos/other/app/issues" }],
    ["a repository sharing the prefix", { method: "GET", path: "/repos/Acme/App-private/issues" }],
    ["a path outside /repos", { method: "GET", path: "/user" }],
    ["deleting the repository itself", { method: "DELETE", path: "/repos/Acme/App" }],
    ["renaming the repository itself", { method: "PATCH", path: "/repos/acme/app", body: { name: "x" } }],
    ["a dot-dot escape", { method: "GET", path: "/repos/Acme/App/../../other/x/issues" }],
    ["an encoded dot-dot escape", { method: "GET", path: "/repos/Acme/App/%2e%2e/%2E%2E/other/x" }],
    ["a tab-hidden dot-dot escape", { method: "GET", path: "/repos/Acme/App/\t../\t../other/x/issues" }],
    ["an absolute URL", { method: "GET", path: "https://evil.example/repos/Acme/App" }],
    ["a scheme-relative URL", { method: "GET", path: "//evil.example/repos/Acme/App/issues" }],
    ["a relative path", { method: "GET", path: "repos/Acme/App/issues" }],
    ["CR/LF in the path", { method: "GET", path: "/repos/Acme/App/issues\r\nX-Evil: 1" }],
    ["a NUL in the path", { method: "GET", path: "/repos/Acme/App/issues\u0000" }],
    ["an unsupported method", { method: "HEAD", path: "/repos/Acme/App/issues" }],
    ["a body with GET", { method: "GET", path: "/repos/Acme/App/issues", body: {} }],
    ["params that are not an object", { method: "GET", path: "/repos/Acme/App/issues", params: "a=1" }],
    ["nested params", { method: "GET", path: "/repos/Acme/App/issues", params: { a: { b: 1 } } }],
    ["unknown fields", { method: "GET", path: "/repos/Acme/App/issues", url: "x" }],
    ["a non-object call", "GET /repos/Acme/App/issues"],
  ];
  for (const [name, args] of refusals) {
    it(`refuses ${name} without any request`, async () => {
      const result = await tracker.executeTool("github_api", args, context());
      expect(result.success).toBe(false);
      expect(result.output).toMatchObject({ error: { message: expect.any(String) } });
      expect(server.requests).toHaveLength(0);
    });
  }

  it("the repository itself may be read (the request is sent)", async () => {
    const result = await tracker.executeTool(
      "github_api",
      { method: "GET", path: "/repos/Acme/App" },
      context(),
    );
    expect(result.output).toMatchObject({ status: 404 }); // the fake has no repository route; GitHub answers 200
    expect(server.requests).toHaveLength(1);
  });

  it("a scope refusal carries the path and the allowed scope as data", async () => {
    const result = await tracker.executeTool(
      "github_api",
      { method: "GET", path: "/repos/other/app/issues" },
      context(),
    );
    expect(result.output).toEqual({
      error: {
        kind: "out_of_scope",
        message: expect.stringContaining("/repos/Acme/App"),
        path: "/repos/other/app/issues",
        scope: "/repos/Acme/App/...",
      },
    });
    const bad = await tracker.executeTool(
      "github_api",
      { method: "TRACE", path: "/repos/Acme/App" },
      context(),
    );
    expect(bad.output).toMatchObject({ error: { kind: "invalid_input" } });
  });

  it("a transport failure is a structured failure, not an exception", async () => {
    server.fault({ kind: "hang" });
    const pending = tracker.executeTool(
      "github_api",
      { method: "GET", path: "/repos/Acme/App/issues/1" },
      context(),
    );
    await until(() => server.requests.length === 1, 2_000, "request at the server");
    clock.advance(5_000);
    const slow = await pending;
    expect(slow).toMatchObject({
      success: false,
      output: { error: { kind: "tracker_request", retryable: true } },
    });
    const down = make("http://127.0.0.1:1");
    const refused = await down.executeTool(
      "github_api",
      { method: "GET", path: "/repos/Acme/App/issues/1" },
      context(),
    );
    expect(refused).toMatchObject({
      success: false,
      output: { error: { kind: "tracker_request", retryable: true } },
    });
  });

  it("an unknown tool name fails with the supported list (through bindTools too)", async () => {
    const direct = await tracker.executeTool("linear_graphql", {}, context());
    expect(direct).toMatchObject({ success: false, output: { error: { supportedTools: ["github_api"] } } });
    const bound = await bindTools(tracker).execute("nope", {}, context());
    expect(bound.success).toBe(false);
  });

  it("the token from GITHUB_TOKEN or a $VAR never reaches a child env built with secretEnvNames()", () => {
    const env = { GITHUB_TOKEN: "ghp_a", MY_GH: "ghp_b", PATH: "/bin", HOME: "/h" };
    const parsed = parseGithubProvider({ repo: "a/b", token: "$MY_GH" }, { workflowDir: "/", env });
    if (!parsed.ok) throw new Error("config");
    const t = new GithubTracker(parsed.value, silentLogger, clock);
    expect(t.secretEnvNames()).toEqual(["GITHUB_TOKEN", "MY_GH"]);
    const child = buildChildEnv({
      parent: env,
      extra: { MY_GH: "ghp_b", GITHUB_TOKEN: "ghp_a", X: "1" },
      removeNames: t.secretEnvNames(),
    });
    expect(Object.values(child)).not.toContain("ghp_a");
    expect(Object.values(child)).not.toContain("ghp_b");
    expect(child).toEqual({ PATH: "/bin", HOME: "/h", X: "1" });
  });
});
