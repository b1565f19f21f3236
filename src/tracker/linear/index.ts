import type { TrackerFactory } from "../factory.js";
import { LinearTrackerAdapter } from "./adapter.js";
import type { LinearTrackerSettings } from "./config.js";

export type { LinearAdapterOptions } from "./adapter.js";
export { DEFAULT_MAX_PAGES, LinearTrackerAdapter } from "./adapter.js";
export type { LinearTrackerSettings } from "./config.js";
export { LINEAR_GRAPHQL_TOOL } from "./tools.js";

/** Builds the Linear adapter from one config snapshot (`tracker.provider` parsed by `config.ts`). */
export const createLinearTracker: TrackerFactory = (config, deps) => {
  // The config loader ran the Linear provider parser for `kind: linear`; this cast is that contract.
  const settings = config.tracker.provider as unknown as LinearTrackerSettings;
  if (typeof settings.apiKey !== "string" || typeof settings.projectSlug !== "string") {
    throw new Error("createLinearTracker: tracker.provider was not parsed as Linear settings");
  }
  return new LinearTrackerAdapter({
    settings,
    terminalStates: config.tracker.terminalStates,
    clock: deps.clock,
    logger: deps.logger,
  });
};
