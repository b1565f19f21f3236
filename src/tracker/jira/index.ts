export { createJiraTracker, JIRA_BULK_LIMIT, JIRA_MAX_PAGES, JiraTracker } from "./adapter.js";
export { adfToText } from "./adf.js";
export { JiraClient } from "./client.js";
export type { JiraTrackerSettings } from "./config.js";
export { parseJiraProvider } from "./config.js";
export { jqlString, statesJql } from "./jql.js";
export { jiraKind } from "./kind.js";
export { JIRA_FIELDS, normaliseJiraIssue } from "./normalise.js";
export { JIRA_REST_OPTIONS, JIRA_REST_PREFIX, JIRA_REST_TOOL } from "./tools.js";
