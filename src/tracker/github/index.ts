export { createGithubTracker, GithubTracker } from "./adapter.js";
export { type GithubTrackerSettings, parseGithubProvider } from "./config.js";
export { githubKind } from "./kind.js";
