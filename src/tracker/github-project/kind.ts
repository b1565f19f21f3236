import type { TrackerKind } from "../kind.js";
import { type GithubProjectSettings, parseGithubProjectProvider } from "./config.js";

declare module "../../config/types.js" {
  interface TrackerProviders {
    readonly github_project: GithubProjectSettings;
  }
}

/** `tracker.kind: github_project` — issues and drafts of a GitHub Project (v2), states from its Status field. */
export const githubProjectKind: TrackerKind<"github_project"> = {
  name: "github_project",
  defaultActiveStates: ["Todo", "In Progress"],
  defaultTerminalStates: ["Done"],
  parseProvider: parseGithubProjectProvider,
  secretValues: (settings) => [settings.token],
  create: async (config, deps) => (await import("./adapter.js")).createGithubProjectTracker(config, deps),
};
