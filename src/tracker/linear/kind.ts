import { DEFAULT_ACTIVE_STATES, DEFAULT_TERMINAL_STATES, type TrackerKind } from "../kind.js";
import { type LinearTrackerSettings, parseLinearProvider } from "./config.js";

declare module "../../config/types.js" {
  interface TrackerProviders {
    readonly linear: LinearTrackerSettings;
  }
}

/** `tracker.kind: linear` — Linear (GraphQL). */
export const linearKind: TrackerKind<"linear"> = {
  name: "linear",
  defaultActiveStates: DEFAULT_ACTIVE_STATES,
  defaultTerminalStates: DEFAULT_TERMINAL_STATES,
  parseProvider: parseLinearProvider,
  secretValues: (settings) => [settings.apiKey],
  create: async (config, deps) => (await import("./index.js")).createLinearTracker(config, deps),
};
