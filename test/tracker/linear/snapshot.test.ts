import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/domain/logger.js";
import { startOrchestratorService } from "../../../src/service.js";
import { type FakeLinearServer, fakeIssue, startFakeLinearServer } from "../../support/fake-linear-server.js";
import { ManualClock } from "../../support/manual-clock.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { until } from "../../support/until.js";
import { buildConfig, staticWorkflowSource } from "../../support/workflow-fixtures.js";

let server: FakeLinearServer;
let dir: { path: string; cleanup: () => Promise<void> };

beforeEach(async () => {
  server = await startFakeLinearServer();
  dir = await makeTempDir("symphony-linear-snapshot-");
});
afterEach(async () => {
  await server.close();
  await dir.cleanup();
});

describe("Linear rate limits in the orchestrator snapshot", () => {
  it("the latest requests/complexity remaining reach snapshot().trackerRateLimits for dashboards", async () => {
    // Assigned to someone else: visible candidates, nothing dispatched.
    server.store.put(fakeIssue({ number: 1, assigneeId: "user-other" }));
    server.rateLimit.requestsRemaining = 4321;
    server.rateLimit.complexityRemaining = 199_000;
    const config = buildConfig(
      {
        tracker: { kind: "linear", endpoint: server.url, project_slug: "proj-slug", assignee: "user-me" },
        workspace: { root: `${dir.path}/workspaces` },
        agent: { backend: "command" },
        command: { run: "true" },
      },
      dir.path,
      { LINEAR_API_KEY: server.apiKey },
    );
    const clock = new ManualClock();
    const started = await startOrchestratorService({
      source: staticWorkflowSource(config, "work"),
      logger: silentLogger,
      clock,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir.path },
    });
    if (!started.ok) throw new Error(started.error);
    try {
      const status = started.value.status;
      await until(() => status.snapshot().polling.lastTickAt !== null && !status.snapshot().polling.checking);
      const limits = status.snapshot().trackerRateLimits;
      expect(limits).toMatchObject({
        requestsLimit: 5000,
        complexityLimit: 250_000,
        complexityRemaining: 199_000,
        requestsResetAt: server.rateLimit.resetAt,
      });
      expect(limits?.requestsRemaining).toBe(4321 - server.requests.length);
      expect(status.snapshot().running).toEqual([]);
    } finally {
      await started.value.stop();
    }
  });
});
