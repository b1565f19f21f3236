import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hasTrackerKind } from "../../../src/config/tracker-of-kind.js";
import { silentLogger } from "../../../src/domain/logger.js";
import { createLinearTracker } from "../../../src/tracker/linear/index.js";
import { type FakeLinearServer, fakeIssue, startFakeLinearServer } from "../../support/fake-linear-server.js";
import { never } from "../../support/linear-fixture.js";
import { ManualClock } from "../../support/manual-clock.js";
import { buildConfig } from "../../support/workflow-fixtures.js";

let server: FakeLinearServer;

beforeEach(async () => {
  server = await startFakeLinearServer();
  server.store.put(
    fakeIssue({ number: 1, stateName: "Todo", projectSlug: "elixir-slug" }),
    fakeIssue({ number: 2, stateName: "Done", projectSlug: "elixir-slug" }),
  );
});
afterEach(async () => {
  await server.close();
});

const deps = { logger: silentLogger, clock: new ManualClock() };

describe("createLinearTracker: built from WORKFLOW.md config", () => {
  it("the Elixir reference's flat keys (tracker.project_slug, $VAR api_key, endpoint) drive the adapter", async () => {
    const config = buildConfig(
      {
        tracker: { kind: "linear", endpoint: server.url, api_key: "$MY_LINEAR", project_slug: "elixir-slug" },
      },
      "/tmp",
      { MY_LINEAR: server.apiKey },
    );
    if (!hasTrackerKind(config, "linear")) throw new Error("expected a linear config");
    const adapter = createLinearTracker(config, deps);
    const result = await adapter.fetchIssuesByStates(config.tracker.activeStates, never);
    expect(result.ok && result.value.map((i) => i.identifier)).toEqual(["FAKE-1"]);
    expect(adapter.kind).toBe("linear");
    expect(adapter.secretEnvNames()).toEqual(["LINEAR_API_KEY", "MY_LINEAR"]);
    await adapter.close();
  });

  it("tracker.provider keys win over flat keys, and terminal_states feed the blocker rule", async () => {
    server.store.put(
      fakeIssue({ number: 3, stateName: "Todo", projectSlug: "elixir-slug", blockedBy: ["issue-2"] }),
    );
    const config = buildConfig(
      {
        tracker: {
          kind: "linear",
          project_slug: "wrong-slug",
          provider: { endpoint: server.url, project_slug: "elixir-slug" },
          terminal_states: ["Done"],
        },
      },
      "/tmp",
      { LINEAR_API_KEY: server.apiKey },
    );
    if (!hasTrackerKind(config, "linear")) throw new Error("expected a linear config");
    const adapter = createLinearTracker(config, deps);
    const result = await adapter.fetchIssuesByStates(["Todo"], never);
    expect(result.ok && result.value.map((i) => [i.identifier, i.dispatchable])).toEqual([
      ["FAKE-1", true],
      ["FAKE-3", true],
    ]);
    expect(server.requests[0]?.variables.projectSlug).toBe("elixir-slug");
  });
});
