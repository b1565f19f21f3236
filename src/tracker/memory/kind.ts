import { DEFAULT_ACTIVE_STATES, DEFAULT_TERMINAL_STATES, type TrackerKind } from "../kind.js";
import { type MemoryTrackerSettings, parseMemoryProvider } from "./config.js";

declare module "../../config/types.js" {
  interface TrackerProviders {
    readonly memory: MemoryTrackerSettings;
  }
}

/** `tracker.kind: memory` — issues listed in WORKFLOW.md (tests and demos). */
export const memoryKind: TrackerKind<"memory"> = {
  name: "memory",
  defaultActiveStates: DEFAULT_ACTIVE_STATES,
  defaultTerminalStates: DEFAULT_TERMINAL_STATES,
  parseProvider: parseMemoryProvider,
  secretValues: () => [],
  create: async (config, deps) => (await import("./adapter.js")).createMemoryTracker(config, deps),
};
