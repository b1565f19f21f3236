import type { TrackerKind } from "../kind.js";
import { type GitlabTrackerSettings, parseGitlabProvider, validateGitlabStates } from "./config.js";

declare module "../../config/types.js" {
  interface TrackerProviders {
    readonly gitlab: GitlabTrackerSettings;
  }
}

/** `tracker.kind: gitlab` — GitLab Issues of one project (REST). */
export const gitlabKind: TrackerKind<"gitlab"> = {
  name: "gitlab",
  defaultActiveStates: ["opened"],
  defaultTerminalStates: ["closed"],
  parseProvider: parseGitlabProvider,
  secretValues: (settings) => [settings.apiKey],
  validateStates: (_settings, active, terminal) => validateGitlabStates(active, terminal),
  create: async (config, deps) => (await import("./adapter.js")).createGitlabTracker(config, deps),
};
