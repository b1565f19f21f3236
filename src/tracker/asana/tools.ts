import type { AgentToolSpec, ToolResult } from "../../domain/agent-event.js";
import {
  parseRestToolArgs,
  refusalResult,
  restToolResult,
  restToolSpec,
  transportFailureResult,
} from "../rest-tool.js";
import type { AsanaClient } from "./client.js";

/** The one provider-native tool: raw Asana REST 1.0 with Symphony's token. */
export const ASANA_API_TOOL: AgentToolSpec = restToolSpec(
  "asana_api",
  "Call the Asana REST API (1.0) with Symphony's token (you never see it). Paths are relative to the API root, " +
    'e.g. POST /tasks/{gid}/stories {"data":{"text":"…"}} to comment, POST /sections/{gid}/addTask ' +
    '{"data":{"task":"{gid}"}} to move the task, GET /projects/{gid}/sections to list sections. ' +
    "Returns {status, body}; success means HTTP 2xx.",
  "Path relative to the API root, starting with `/`, without a query string (use `query`).",
);

/** Executes one `asana_api` call; never throws. */
export async function executeAsanaApi(
  client: AsanaClient,
  args: unknown,
  signal: AbortSignal,
): Promise<ToolResult> {
  const call = parseRestToolArgs(args, "asana_api", "/");
  if ("kind" in call) return refusalResult(call);
  const reply = await client.raw(call.method, call.path, call.query, call.body, signal);
  if (!reply.ok) return transportFailureResult(reply.error);
  return restToolResult(reply.value);
}
