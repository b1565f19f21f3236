export { createGitlabTracker, GitlabTracker } from "./adapter.js";
export { type GitlabTrackerSettings, parseGitlabProvider } from "./config.js";
export { gitlabKind } from "./kind.js";
