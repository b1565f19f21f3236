import type { Issue } from "../../domain/issue.js";
import { normaliseLabels } from "../../domain/issue.js";
import { isMap, labelNames } from "../rest/payload.js";
import { parseTimestamp } from "../rest/timestamp.js";

/** How GitHub issue records become states. */
export interface GithubStateMode {
  readonly owner: string;
  readonly repo: string;
  /** Lower-cased label prefix that carries the workflow state of open issues, or null. */
  readonly stateLabelPrefix: string | null;
}

// Label mode: an open issue's state is the suffix of its one state label ("status:todo" → "todo"); no label
// → "open"; several → the first by name, and the issue is not dispatchable until a person resolves it.
function labelState(
  rawState: string,
  names: readonly string[],
  prefix: string,
): { state: string; conflict: boolean } {
  if (rawState !== "open") return { state: rawState, conflict: false };
  const states = names
    .map((n) => n.trim())
    .filter((n) => n.toLowerCase().startsWith(prefix) && n.length > prefix.length)
    .map((n) => n.slice(prefix.length).trim())
    .filter((s) => s !== "")
    .sort();
  const unique = [...new Set(states.map((s) => s.toLowerCase()))];
  return { state: states[0] ?? "open", conflict: unique.length > 1 };
}

/** Maps one REST issue record to an {@link Issue}; null when required fields are missing or mistyped. */
export function normaliseGithubIssue(raw: unknown, mode: GithubStateMode): Issue | null {
  if (!isMap(raw)) return null;
  const { number, title, state } = raw;
  if (typeof number !== "number" || !Number.isSafeInteger(number) || number <= 0) return null;
  if (typeof title !== "string" || typeof state !== "string" || state.trim() === "") return null;
  const rawState = state.trim().toLowerCase();
  const names = labelNames(raw.labels);
  const isPullRequest = raw.pull_request !== undefined && raw.pull_request !== null;
  const { state: derived, conflict } =
    mode.stateLabelPrefix === null
      ? { state: rawState, conflict: false }
      : labelState(rawState, names, mode.stateLabelPrefix);
  const assignee = isMap(raw.assignee) && typeof raw.assignee.login === "string" ? raw.assignee.login : null;
  return {
    id: String(number),
    identifier: `GH-${number}`,
    title,
    description: typeof raw.body === "string" ? raw.body : null,
    priority: null,
    state: derived,
    branchName: null,
    url: typeof raw.html_url === "string" ? raw.html_url : null,
    assigneeId: assignee,
    labels: normaliseLabels(names),
    blockedBy: [],
    dispatchable: !isPullRequest && !conflict,
    nativeRef: {
      id: typeof raw.id === "number" ? raw.id : null,
      node_id: typeof raw.node_id === "string" ? raw.node_id : null,
      number,
      repo: `${mode.owner}/${mode.repo}`,
      pull_request: isPullRequest,
    },
    createdAt: parseTimestamp(raw.created_at),
    updatedAt: parseTimestamp(raw.updated_at),
  };
}
