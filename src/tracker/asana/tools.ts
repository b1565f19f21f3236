import type { AgentToolSpec } from "../../domain/agent-event.js";
import { type RestToolOptions, restToolSpec } from "../rest/tool.js";

/**
 * `asana_api` options: any path under the API root. Asana addresses tasks, sections and stories by gid
 * alone, so a path cannot be tied to the project; the token's access is the boundary.
 */
export const ASANA_API_OPTIONS: RestToolOptions = {
  name: "asana_api",
  provider: "Asana",
  methods: ["GET", "POST", "PUT", "DELETE"],
  queryKey: "query",
  scopeHint: "the Asana API root (/tasks/..., /sections/..., /projects/...)",
  checkScope: () => null,
};

/** The one provider-native tool: raw Asana REST 1.0 with Symphony's token. */
export const ASANA_API_TOOL: AgentToolSpec = restToolSpec(
  ASANA_API_OPTIONS,
  "Call the Asana REST API (1.0) with Symphony's token (you never see it). Paths are relative to the API root, " +
    'e.g. POST /tasks/{gid}/stories {"data":{"text":"…"}} to comment, POST /sections/{gid}/addTask ' +
    '{"data":{"task":"{gid}"}} to move the task, GET /projects/{gid}/sections to list sections. ' +
    "Returns {status, body}; success means HTTP 2xx.",
);
