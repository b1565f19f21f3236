import type { TrackerFactory } from "../factory.js";
import { LinearTrackerAdapter } from "./adapter.js";

export type { LinearAdapterOptions } from "./adapter.js";
export { DEFAULT_MAX_PAGES, LinearTrackerAdapter } from "./adapter.js";
export type { LinearTrackerSettings } from "./config.js";
export { LINEAR_GRAPHQL_TOOL } from "./tools.js";

/** Builds the Linear adapter from one config snapshot (`tracker.provider` parsed by `config.ts`). */
export const createLinearTracker: TrackerFactory<"linear"> = (config, deps) => {
  const settings = config.tracker.provider;
  return new LinearTrackerAdapter({
    settings,
    terminalStates: config.tracker.terminalStates,
    clock: deps.clock,
    logger: deps.logger,
  });
};
export { linearKind } from "./kind.js";
