import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { JiraTracker } from "../../../src/tracker/jira/adapter.js";
import type { JiraTrackerSettings } from "../../../src/tracker/jira/config.js";
import { systemClock } from "../../../src/util/clock.js";
import { type FakeJiraServer, startFakeJiraServer } from "../../support/fake-jira-server.js";
import { ManualClock } from "../../support/manual-clock.js";
import { jiraSettings } from "../../support/rest-tracker-settings.js";
import { warningLogger } from "../../support/warning-logger.js";

let server: FakeJiraServer;
const signal = new AbortController().signal;

const { logger, warnings } = warningLogger();

function tracker(patch: Partial<JiraTrackerSettings> = {}): JiraTracker {
  return new JiraTracker(jiraSettings(server, patch), ["Done", "Cancelled"], logger, systemClock);
}

beforeEach(async () => {
  server = await startFakeJiraServer();
  warnings.length = 0;
});
afterEach(async () => {
  await server.close();
});

describe("Jira client: error mapping through the adapter (spec 17.3)", () => {
  it("401 → tracker_auth, without echoing the token", async () => {
    const result = await tracker({ apiToken: "wrong-token" }).fetchIssuesByStates(["To Do"], signal);
    expect(!result.ok && result.error).toMatchObject({
      category: "tracker_auth",
      status: 401,
      retryable: false,
    });
    expect(JSON.stringify(!result.ok && result.error.message)).not.toContain("wrong-token");
  });

  it("429 with Retry-After → tracker_rate_limited; rate-limit headers exposed; reads wait out the cooldown", async () => {
    server.failNext({
      kind: "status",
      status: 429,
      headers: { "retry-after": "7", "ratelimit-reason": "jira-burst-based" },
    });
    const clock = new ManualClock();
    const t = new JiraTracker(jiraSettings(server, { secretEnvNames: [] }), ["Done"], logger, clock);
    const result = await t.fetchIssuesByStates(["To Do"], signal);
    expect(!result.ok && result.error).toMatchObject({
      category: "tracker_rate_limited",
      retryAfterMs: 7_000,
      status: 429,
    });
    expect(t.rateLimits()).toEqual({
      limit: 1000,
      remaining: 999,
      retryAfter: 7,
      reason: "jira-burst-based",
    });
    const cooling = await t.fetchIssuesByIds(["1"], signal);
    expect(!cooling.ok && cooling.error.category).toBe("tracker_rate_limited");
    expect(server.requests).toHaveLength(1);
    clock.advance(7_000);
    expect((await t.fetchIssuesByStates(["To Do"], signal)).ok).toBe(true);
    expect(t.rateLimits()).toEqual({ limit: 1000, remaining: 998 });
  });

  it("X-RateLimit-Reset sets the wait when Retry-After is absent", async () => {
    const clock = new ManualClock();
    server.failNext({
      kind: "status",
      status: 429,
      headers: { "x-ratelimit-reset": new Date(clock.now() + 30_000).toISOString() },
    });
    const t = new JiraTracker(jiraSettings(server, { secretEnvNames: [] }), ["Done"], logger, clock);
    const result = await t.fetchIssuesByStates(["To Do"], signal);
    expect(!result.ok && result.error).toMatchObject({
      category: "tracker_rate_limited",
      retryAfterMs: 30_000,
    });
  });

  it("400 (bad JQL) → tracker_status with Jira's message", async () => {
    server.failNext({
      kind: "status",
      status: 400,
      body: { errorMessages: ["Error in the JQL Query"], errors: {} },
    });
    const result = await tracker().fetchIssuesByStates(["To Do"], signal);
    expect(!result.ok && result.error).toMatchObject({
      category: "tracker_status",
      status: 400,
      message: expect.stringContaining("Error in the JQL Query"),
    });
  });

  it("malformed JSON and a wrong shape → tracker_response", async () => {
    server.failNext({ kind: "malformed_json" });
    const bad = await tracker().fetchIssuesByStates(["To Do"], signal);
    expect(!bad.ok && bad.error.category).toBe("tracker_response");
    server.failNext({ kind: "status", status: 200, body: { issues: "nope" } });
    const shape = await tracker().fetchIssuesByStates(["To Do"], signal);
    expect(!shape.ok && shape.error.category).toBe("tracker_response");
  });

  it("a hung server → tracker_request after timeout_ms", async () => {
    server.failNext({ kind: "hang" });
    const started = Date.now();
    const result = await tracker({ timeoutMs: 200 }).fetchIssuesByStates(["To Do"], signal);
    expect(!result.ok && result.error).toMatchObject({
      category: "tracker_request",
      message: expect.stringContaining("timed out"),
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("the caller's abort reaches fetch", async () => {
    server.failNext({ kind: "hang" });
    const controller = new AbortController();
    const pending = tracker({ timeoutMs: 60_000 }).fetchIssuesByStates(["To Do"], controller.signal);
    setTimeout(() => controller.abort(), 20);
    const result = await pending;
    expect(!result.ok && result.error).toMatchObject({ category: "tracker_request", retryable: false });
  });
});
