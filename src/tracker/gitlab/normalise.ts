import type { Issue } from "../../domain/issue.js";
import { normaliseLabels } from "../../domain/issue.js";
import { isMap, labelNames } from "../rest/payload.js";
import { parseTimestamp } from "../rest/timestamp.js";

// The first assignee's numeric id as a string, else its username (as the Elixir reference does).
function assigneeOf(raw: Record<string, unknown>): string | null {
  const first = Array.isArray(raw.assignees) && raw.assignees.length > 0 ? raw.assignees[0] : raw.assignee;
  if (!isMap(first)) return null;
  if (typeof first.id === "number") return String(first.id);
  return typeof first.username === "string" ? first.username : null;
}

/** Maps one REST v4 issue record to an {@link Issue}; null when required fields are missing or mistyped. */
export function normaliseGitlabIssue(raw: unknown, projectPath: string): Issue | null {
  if (!isMap(raw)) return null;
  const { iid, title, state } = raw;
  if (typeof iid !== "number" || !Number.isSafeInteger(iid) || iid <= 0) return null;
  if (typeof title !== "string" || typeof state !== "string" || state.trim() === "") return null;
  return {
    id: String(iid),
    identifier: `GL-${iid}`,
    title,
    description: typeof raw.description === "string" ? raw.description : null,
    priority: null,
    state: state.trim(),
    branchName: null,
    url: typeof raw.web_url === "string" ? raw.web_url : null,
    assigneeId: assigneeOf(raw),
    labels: normaliseLabels(labelNames(raw.labels)),
    blockedBy: [],
    dispatchable: true,
    nativeRef: {
      id: typeof raw.id === "number" ? raw.id : null,
      iid,
      project_id: typeof raw.project_id === "number" ? raw.project_id : null,
      project_path: projectPath,
      references: isMap(raw.references) ? { ...raw.references } : null,
    },
    createdAt: parseTimestamp(raw.created_at),
    updatedAt: parseTimestamp(raw.updated_at),
  };
}
