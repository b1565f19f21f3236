import type { TrackerKind } from "../kind.js";
import { type AsanaTrackerSettings, parseAsanaProvider } from "./config.js";

declare module "../../config/types.js" {
  interface TrackerProviders {
    readonly asana: AsanaTrackerSettings;
  }
}

/** `tracker.kind: asana` — Asana (REST); default states are the board template's sections. */
export const asanaKind: TrackerKind<"asana"> = {
  name: "asana",
  defaultActiveStates: ["To do", "Doing"],
  defaultTerminalStates: ["Done"],
  parseProvider: parseAsanaProvider,
  secretValues: (settings) => [settings.apiKey],
  create: async (config, deps) => (await import("./adapter.js")).createAsanaTracker(config, deps),
};
