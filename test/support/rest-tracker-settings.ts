import type { AsanaTrackerSettings } from "../../src/tracker/asana/config.js";
import type { JiraTrackerSettings } from "../../src/tracker/jira/config.js";
import type { FakeAsanaServer } from "./fake-asana-server.js";
import type { FakeJiraServer } from "./fake-jira-server.js";

/** Jira settings pointing at a fake Jira server (project PROJ, 2 s timeout, 100 per page), with `patch` on top. */
export function jiraSettings(
  server: FakeJiraServer,
  patch: Partial<JiraTrackerSettings> = {},
): JiraTrackerSettings {
  return {
    baseUrl: server.url,
    email: server.email,
    apiToken: server.token,
    secretEnvNames: ["JIRA_API_TOKEN"],
    projectKey: "PROJ",
    timeoutMs: 2_000,
    pageSize: 100,
    ...patch,
  };
}

/** Asana settings pointing at a fake Asana server for `projectGid` (2 s timeout, 100 per page), with `patch` on top. */
export function asanaSettings(
  server: FakeAsanaServer,
  projectGid: string,
  patch: Partial<AsanaTrackerSettings> = {},
): AsanaTrackerSettings {
  return {
    endpoint: server.endpoint,
    apiKey: server.token,
    secretEnvNames: ["ASANA_PAT"],
    projectGid,
    timeoutMs: 2_000,
    pageSize: 100,
    ...patch,
  };
}
