import type { TrackerKind } from "../kind.js";
import { type JiraTrackerSettings, parseJiraProvider } from "./config.js";

declare module "../../config/types.js" {
  interface TrackerProviders {
    readonly jira: JiraTrackerSettings;
  }
}

/** `tracker.kind: jira` — Jira Cloud (REST); default states are Jira's default workflow. */
export const jiraKind: TrackerKind<"jira"> = {
  name: "jira",
  defaultActiveStates: ["To Do", "In Progress"],
  defaultTerminalStates: ["Done"],
  parseProvider: parseJiraProvider,
  secretValues: (settings) => [settings.apiToken],
  create: async (config, deps) => (await import("./adapter.js")).createJiraTracker(config, deps),
};
