import type { TrackerKind } from "../kind.js";
import { type GithubTrackerSettings, parseGithubProvider, validateGithubStates } from "./config.js";

declare module "../../config/types.js" {
  interface TrackerProviders {
    readonly github: GithubTrackerSettings;
  }
}

/** `tracker.kind: github` — GitHub Issues of one repository (REST). */
export const githubKind: TrackerKind<"github"> = {
  name: "github",
  defaultActiveStates: ["open"],
  defaultTerminalStates: ["closed"],
  parseProvider: parseGithubProvider,
  secretValues: (settings) => [settings.token],
  validateStates: (settings, active, terminal) => validateGithubStates(settings, active, terminal),
  create: async (config, deps) => (await import("./adapter.js")).createGithubTracker(config, deps),
};
