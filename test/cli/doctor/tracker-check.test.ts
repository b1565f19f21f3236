import { afterEach, describe, expect, it } from "vitest";
import { runWithTimeout } from "../../../src/cli/doctor/check.js";
import { checkTracker } from "../../../src/cli/doctor/tracker-check.js";
import { startFakeGithubServer } from "../../support/fake-github-server.js";
import { fakeIssue, startFakeLinearServer } from "../../support/fake-linear-server.js";
import { ManualClock } from "../../support/manual-clock.js";
import { freePort } from "../../support/sshd.js";
import { tempDirsPerTest } from "../../support/temp-dir.js";
import { until } from "../../support/until.js";
import { buildConfig } from "../../support/workflow-fixtures.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const tempDir = tempDirsPerTest("symphony-doctor-tracker-");

const signal = () => AbortSignal.timeout(10_000);

describe("doctor: the tracker answers", () => {
  it("linear ok: one candidate fetch reports the count of issues in the active states", async () => {
    const server = await startFakeLinearServer();
    cleanups.push(() => server.close());
    server.store.put(
      fakeIssue({ number: 1, identifier: "LIN-1", stateName: "Todo", projectSlug: "proj" }),
      fakeIssue({ number: 2, identifier: "LIN-2", stateName: "In Progress", projectSlug: "proj" }),
      fakeIssue({ number: 3, identifier: "LIN-3", stateName: "Backlog", projectSlug: "proj" }),
    );
    const config = buildConfig(
      { tracker: { kind: "linear", endpoint: server.url, project_slug: "proj" } },
      await tempDir(),
      { LINEAR_API_KEY: server.apiKey },
    );
    const result = await checkTracker(config, signal());
    expect(result).toEqual({
      name: "tracker",
      status: "ok",
      detail: "linear answered: 2 candidate issues in Todo, In Progress",
    });
  });

  it("linear 401: fails with tracker_auth and a fix, and never prints the token", async () => {
    const server = await startFakeLinearServer({ apiKey: "lin_api_the_real_one" });
    cleanups.push(() => server.close());
    const config = buildConfig(
      { tracker: { kind: "linear", endpoint: server.url, project_slug: "proj" } },
      await tempDir(),
      { LINEAR_API_KEY: "lin_api_wrong_secret_value" },
    );
    const result = await checkTracker(config, signal());
    expect(result.status).toBe("fail");
    expect(result.detail).toMatch(/^tracker_auth: /);
    expect(result.fix).toContain("token was rejected");
    expect(JSON.stringify(result)).not.toContain("lin_api_wrong_secret_value");
  });

  it("unreachable endpoint: fails with tracker_request", async () => {
    const port = await freePort();
    const config = buildConfig(
      { tracker: { kind: "linear", endpoint: `http://127.0.0.1:${port}/graphql`, project_slug: "proj" } },
      await tempDir(),
      { LINEAR_API_KEY: "lin_api_x" },
    );
    const result = await checkTracker(config, signal());
    expect(result.status).toBe("fail");
    expect(result.detail).toMatch(/^tracker_request: /);
    expect(result.fix).toContain("unreachable");
  });

  it("a tracker that never answers fails at the check deadline, which aborts the request", async () => {
    const server = await startFakeLinearServer();
    cleanups.push(() => server.close());
    server.failNext({ kind: "hang" });
    const config = buildConfig(
      { tracker: { kind: "linear", endpoint: server.url, project_slug: "proj" } },
      await tempDir(),
      { LINEAR_API_KEY: server.apiKey },
    );
    const clock = new ManualClock();
    let aborted = false;
    const pending = runWithTimeout(
      "tracker",
      10_000,
      (signal) => {
        signal.addEventListener("abort", () => {
          aborted = true;
        });
        return checkTracker(config, signal);
      },
      clock,
    );
    await until(() => server.requests.length === 1, 5_000, "the candidate request");
    clock.advance(10_000);
    const [result] = await pending;
    expect(result).toMatchObject({ name: "tracker", status: "fail", detail: "no answer within 10000 ms" });
    expect(aborted).toBe(true);
  });

  it("github ok and 401 through the same check", async () => {
    const gh = await startFakeGithubServer("acme", "app", "ghp_good_token");
    cleanups.push(() => gh.close());
    gh.add({ number: 7 });
    const dir = await tempDir();
    const tracker = { kind: "github", provider: { repo: "acme/app", api_url: gh.url } };
    const good = await checkTracker(
      buildConfig({ tracker }, dir, { GITHUB_TOKEN: "ghp_good_token" }),
      signal(),
    );
    expect(good.status).toBe("ok");
    expect(good.detail).toMatch(/^github answered: 1 candidate issue in /);
    const bad = await checkTracker(
      buildConfig({ tracker }, dir, { GITHUB_TOKEN: "ghp_bad_token" }),
      signal(),
    );
    expect(bad.status).toBe("fail");
    expect(bad.detail).toMatch(/^tracker_auth: /);
    expect(JSON.stringify(bad)).not.toContain("ghp_bad_token");
  });
});
