import type { AgentToolSpec } from "../../domain/agent-event.js";
import { type RestToolOptions, restToolSpec } from "../rest/tool.js";

/** Paths the tool may reach: Jira Cloud platform REST v3 of the configured site. */
export const JIRA_REST_PREFIX = "/rest/api/3/";

/** `jira_rest` options: any method the reference allows, paths confined to `/rest/api/3/`. */
export const JIRA_REST_OPTIONS: RestToolOptions = {
  name: "jira_rest",
  provider: "Jira",
  methods: ["GET", "POST", "PUT", "DELETE"],
  queryKey: "query",
  scopeHint: `${JIRA_REST_PREFIX}...`,
  checkScope: (pathname) =>
    pathname.startsWith(JIRA_REST_PREFIX) ? null : `\`path\` must start with ${JIRA_REST_PREFIX}`,
};

/** The one provider-native tool: raw Jira REST v3 with Symphony's credentials. */
export const JIRA_REST_TOOL: AgentToolSpec = restToolSpec(
  JIRA_REST_OPTIONS,
  "Call Jira Cloud REST API v3 on the configured site with Symphony's credentials (you never see them). " +
    "Use it to read the issue, comment (POST /rest/api/3/issue/{key}/comment with an ADF body), list and apply " +
    "transitions (GET/POST /rest/api/3/issue/{key}/transitions). Returns {status, body}; success means HTTP 2xx.",
);
