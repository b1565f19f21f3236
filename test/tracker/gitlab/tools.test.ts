import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Issue } from "../../../src/domain/issue.js";
import { silentLogger } from "../../../src/domain/logger.js";
import { buildChildEnv } from "../../../src/hosts/child-env.js";
import { GitlabTracker } from "../../../src/tracker/gitlab/adapter.js";
import { parseGitlabProvider } from "../../../src/tracker/gitlab/config.js";
import { type FakeGitlabServer, startFakeGitlabServer } from "../../support/fake-gitlab-server.js";
import { makeIssue } from "../../support/issues.js";
import { ManualClock } from "../../support/manual-clock.js";
import { until } from "../../support/until.js";

const TOKEN = "glpat-tool-secret";
const ROOT = "/projects/grp%2Fapp";
let server: FakeGitlabServer;
let tracker: GitlabTracker;
let clock: ManualClock;

const issue = (projectId: number | null): Issue =>
  makeIssue({
    id: "1",
    identifier: "GL-1",
    title: "t",
    state: "opened",
    nativeRef: { iid: 1, project_id: projectId },
  });
const context = (projectId: number | null = null) => ({
  issue: issue(projectId),
  signal: new AbortController().signal,
});

function make(apiUrl: string): GitlabTracker {
  const parsed = parseGitlabProvider(
    { project_path: "grp/app", api_key: TOKEN, api_url: apiUrl, timeout_ms: 5_000 },
    { workflowDir: "/", env: {} },
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  return new GitlabTracker(parsed.value, silentLogger, clock);
}

beforeEach(async () => {
  clock = new ManualClock();
  server = await startFakeGitlabServer("grp/app", TOKEN);
  server.add({ iid: 1 });
  tracker = make(`${server.url}/api/v4`);
});
afterEach(async () => {
  await server.close();
});

describe("gitlab_api tool", () => {
  it("advertises one tool, gitlab_api, with method/path required", () => {
    expect(tracker.toolSpecs().map((s) => s.name)).toEqual(["gitlab_api"]);
    expect(tracker.toolSpecs()[0]?.inputSchema).toMatchObject({ required: ["method", "path"] });
  });

  it("a valid call returns {status, body} with success for 2xx and changes the fake project", async () => {
    const note = await tracker.executeTool(
      "gitlab_api",
      { method: "POST", path: `${ROOT}/issues/1/notes`, body: { body: "done" } },
      context(),
    );
    expect(note).toEqual({ success: true, output: { status: 201, body: { id: 1, body: "done" } } });
    const close = await tracker.executeTool(
      "gitlab_api",
      {
        method: "put",
        path: `${ROOT}/issues/1`,
        query: { state_event: "close" },
        body: { state_event: "close" },
      },
      context(),
    );
    expect(close.success).toBe(true);
    expect(server.issues.get(1)?.state).toBe("closed");
    expect(server.requests.at(-1)?.query.get("state_event")).toBe("close");
  });

  it("the worked issue's numeric project id is in scope; another id is not", async () => {
    const ok = await tracker.executeTool(
      "gitlab_api",
      { method: "GET", path: "/projects/4242/issues/1" },
      context(4242),
    );
    expect(ok.success).toBe(true);
    const other = await tracker.executeTool(
      "gitlab_api",
      { method: "GET", path: "/projects/7/issues/1" },
      context(4242),
    );
    expect(other.success).toBe(false);
    expect(server.requests).toHaveLength(1);
  });

  it("a non-2xx keeps status and body with success=false", async () => {
    const missing = await tracker.executeTool(
      "gitlab_api",
      { method: "GET", path: `${ROOT}/issues/99` },
      context(),
    );
    expect(missing).toEqual({ success: false, output: { status: 404, body: { message: "404 Not found" } } });
  });

  const refusals: [string, unknown][] = [
    ["another project", { method: "GET", path: "/projects/grp%2Fother/issues" }],
    ["a project sharing the prefix", { method: "GET", path: "/projects/grp%2Fapp2/issues" }],
    [
      "an encoded escape from the project path",
      { method: "GET", path: "/projects/grp%2Fapp%2F..%2F..%2Fx/issues" },
    ],
    ["a dot-dot escape", { method: "GET", path: `${ROOT}/../other/issues` }],
    ["a path outside /projects", { method: "GET", path: "/user" }],
    ["deleting the project itself", { method: "DELETE", path: ROOT }],
    ["editing the project itself", { method: "PUT", path: ROOT, body: { name: "x" } }],
    ["an absolute URL", { method: "GET", path: `https://evil.example${ROOT}` }],
    ["PATCH (not a GitLab tool method)", { method: "PATCH", path: `${ROOT}/issues/1` }],
    ["a query that is not an object", { method: "GET", path: `${ROOT}/issues`, query: ["a"] }],
    ["the GitHub params key", { method: "GET", path: `${ROOT}/issues`, params: {} }],
  ];
  for (const [name, args] of refusals) {
    it(`refuses ${name} without any request`, async () => {
      const result = await tracker.executeTool("gitlab_api", args, context());
      expect(result.success).toBe(false);
      expect(result.output).toMatchObject({ error: { message: expect.any(String) } });
      expect(server.requests).toHaveLength(0);
    });
  }

  it("a transport failure is a structured failure, not an exception", async () => {
    server.fault({ kind: "hang" });
    const pending = tracker.executeTool("gitlab_api", { method: "GET", path: `${ROOT}/issues/1` }, context());
    await until(() => server.requests.length === 1, 2_000, "request at the server");
    clock.advance(5_000);
    const slow = await pending;
    expect(slow).toMatchObject({
      success: false,
      output: { error: { kind: "tracker_request", retryable: true } },
    });
  });

  it("the token from GITLAB_PAT, GITLAB_ACCESS_TOKEN or a $VAR never reaches a child env built with secretEnvNames()", () => {
    const env = { GITLAB_PAT: "a", GITLAB_ACCESS_TOKEN: "b", MY_GL: "c", PATH: "/bin" };
    const parsed = parseGitlabProvider({ project_path: "g/p", api_key: "$MY_GL" }, { workflowDir: "/", env });
    if (!parsed.ok) throw new Error("config");
    const t = new GitlabTracker(parsed.value, silentLogger, clock);
    const child = buildChildEnv({ parent: env, extra: { ...env }, removeNames: t.secretEnvNames() });
    expect(child).toEqual({ PATH: "/bin" });
  });
});
