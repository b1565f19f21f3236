import type { ServiceConfig } from "../config/types.js";
import type { TrackerError } from "../domain/errors.js";
import { err, ok, type Result } from "../domain/result.js";
import type { TrackerAdapter } from "./adapter.js";
import { createAsanaTracker } from "./asana/adapter.js";
import type { TrackerFactory, TrackerFactoryDeps } from "./factory.js";
import { createGithubTracker } from "./github/adapter.js";
import { createGitlabTracker } from "./gitlab/adapter.js";
import { createJiraTracker } from "./jira/adapter.js";
import { createLinearTracker } from "./linear/index.js";
import { createLocalTracker } from "./local/adapter.js";
import { createMemoryTracker } from "./memory/adapter.js";

/** `tracker.kind` → factory. */
export const trackerFactories: Readonly<Record<string, TrackerFactory>> = {
  memory: createMemoryTracker,
  local: createLocalTracker,
  linear: createLinearTracker,
  jira: createJiraTracker,
  asana: createAsanaTracker,
  github: createGithubTracker,
  gitlab: createGitlabTracker,
};

/** Builds the configured tracker adapter, or `unsupported_tracker_kind`. */
export function createTracker(
  config: ServiceConfig,
  deps: TrackerFactoryDeps,
  factories: Readonly<Record<string, TrackerFactory>> = trackerFactories,
): Result<TrackerAdapter, TrackerError> {
  const factory = factories[config.tracker.kind];
  if (factory === undefined) {
    return err({
      category: "unsupported_tracker_kind",
      message: `tracker.kind ${JSON.stringify(config.tracker.kind)} is not supported; known: ${Object.keys(factories).join(", ")}`,
      retryable: false,
    });
  }
  return ok(factory(config, deps));
}
