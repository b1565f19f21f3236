import { DEFAULT_ACTIVE_STATES, DEFAULT_TERMINAL_STATES, type TrackerKind } from "../kind.js";
import { type LocalTrackerSettings, parseLocalProvider } from "./config.js";

declare module "../../config/types.js" {
  interface TrackerProviders {
    readonly local: LocalTrackerSettings;
  }
}

/** `tracker.kind: local` — a directory of Markdown issue files. */
export const localKind: TrackerKind<"local"> = {
  name: "local",
  defaultActiveStates: DEFAULT_ACTIVE_STATES,
  defaultTerminalStates: DEFAULT_TERMINAL_STATES,
  parseProvider: parseLocalProvider,
  secretValues: () => [],
  create: async (config, deps) => (await import("./adapter.js")).createLocalTracker(config, deps),
};
