import { GithubProjectTracker } from "../../../src/tracker/github-project/adapter.js";
import type { GithubProjectSettings } from "../../../src/tracker/github-project/config.js";
import type { Clock } from "../../../src/util/clock.js";
import { systemClock } from "../../../src/util/clock.js";
import type { FakeGithubProjectServer } from "../fake-github-project-server.js";
import { warningLogger } from "../warning-logger.js";

/** Settings pointing at a fake project server; `patch` overrides any of them. */
export function projectSettings(
  server: FakeGithubProjectServer,
  patch: Partial<GithubProjectSettings> = {},
): GithubProjectSettings {
  return {
    endpoint: server.url,
    token: server.token,
    secretEnvNames: ["GITHUB_TOKEN"],
    owner: server.store.owner,
    projectNumber: server.store.number,
    statusField: "Status",
    priorityField: "Priority",
    timeoutMs: 5_000,
    pageSize: 50,
    maxPages: 20,
    minRateRemaining: 10,
    ...patch,
  };
}

/** A GitHub Projects adapter on the fake, with its recorded warnings. */
export function projectAdapter(
  server: FakeGithubProjectServer,
  patch: Partial<GithubProjectSettings> = {},
  clock: Clock = systemClock,
) {
  const { logger, warnings } = warningLogger();
  return { adapter: new GithubProjectTracker(projectSettings(server, patch), logger, clock), warnings };
}
