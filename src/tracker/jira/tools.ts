import type { AgentToolSpec, ToolResult } from "../../domain/agent-event.js";
import {
  parseRestToolArgs,
  refusalResult,
  restToolResult,
  restToolSpec,
  transportFailureResult,
} from "../rest-tool.js";
import type { JiraClient } from "./client.js";

/** Paths the tool may reach: Jira Cloud platform REST v3 of the configured site. */
export const JIRA_REST_PREFIX = "/rest/api/3/";

/** The one provider-native tool: raw Jira REST v3 with Symphony's credentials. */
export const JIRA_REST_TOOL: AgentToolSpec = restToolSpec(
  "jira_rest",
  "Call Jira Cloud REST API v3 on the configured site with Symphony's credentials (you never see them). " +
    "Use it to read the issue, comment (POST /rest/api/3/issue/{key}/comment with an ADF body), list and apply " +
    "transitions (GET/POST /rest/api/3/issue/{key}/transitions). Returns {status, body}; success means HTTP 2xx.",
  "Path starting with /rest/api/3/, without a query string (use `query`).",
);

/** Executes one `jira_rest` call; never throws. */
export async function executeJiraRest(
  client: JiraClient,
  args: unknown,
  signal: AbortSignal,
): Promise<ToolResult> {
  const call = parseRestToolArgs(args, "jira_rest", JIRA_REST_PREFIX);
  if ("kind" in call) return refusalResult(call);
  const reply = await client.raw(call.method, call.path, call.query, call.body, signal);
  if (!reply.ok) return transportFailureResult(reply.error);
  return restToolResult(reply.value);
}
