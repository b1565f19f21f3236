import type { BlockerRef, Issue } from "../../domain/issue.js";
import { normaliseLabels, normaliseState } from "../../domain/issue.js";
import { parseTimestamp } from "../rest/timestamp.js";
import { adfToText } from "./adf.js";

/** Fields requested on every search and bulk fetch. */
export const JIRA_FIELDS = [
  "summary",
  "description",
  "status",
  "priority",
  "labels",
  "assignee",
  "created",
  "updated",
  "project",
  "issuelinks",
] as const;

/** What normalisation needs besides the payload. */
export interface JiraNormaliseContext {
  readonly baseUrl: string;
  readonly projectKey: string;
  /** Configured terminal states, normalised. */
  readonly terminalStates: ReadonlySet<string>;
}

/** A normalised issue, a record outside the configured project, or a malformed record. */
export type JiraRecord =
  | { readonly kind: "issue"; readonly issue: Issue }
  | { readonly kind: "out_of_scope"; readonly id: string }
  | { readonly kind: "malformed"; readonly id: string | null; readonly reason: string };

// The default Jira priority scheme; custom names map to null (sorted after 1..5).
const PRIORITY_BY_NAME: Readonly<Record<string, number>> = {
  highest: 1,
  high: 2,
  medium: 3,
  low: 4,
  lowest: 5,
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === "string" && v.trim() !== "" ? v : null);
const idText = (v: unknown): string | null =>
  typeof v === "number" && Number.isSafeInteger(v) ? String(v) : str(v);

/** Blockers: `issuelinks` of type "Blocks" with an `inwardIssue` (that issue blocks this one). */
export function jiraBlockers(links: unknown): BlockerRef[] {
  if (!Array.isArray(links)) return [];
  const out: BlockerRef[] = [];
  for (const link of links) {
    if (!isObj(link) || !isObj(link.type) || !isObj(link.inwardIssue)) continue;
    if (str(link.type.name)?.trim().toLowerCase() !== "blocks") continue;
    const inward = link.inwardIssue;
    const status =
      isObj(inward.fields) && isObj(inward.fields.status) ? str(inward.fields.status.name) : null;
    const id = idText(inward.id);
    const key = str(inward.key);
    if (id === null && key === null) continue;
    out.push({ id, identifier: key, state: status });
  }
  return out;
}

function isNewCategory(status: Obj, state: string): boolean {
  const category = isObj(status.statusCategory) ? str(status.statusCategory.key) : null;
  if (category !== null) return category.toLowerCase() === "new";
  const s = normaliseState(state);
  return s === "todo" || s === "to do";
}

/** Normalises one Jira issue payload (search or bulk fetch) into an {@link Issue}. */
export function normaliseJiraIssue(raw: unknown, ctx: JiraNormaliseContext): JiraRecord {
  if (!isObj(raw)) return { kind: "malformed", id: null, reason: "issue is not an object" };
  const id = idText(raw.id);
  if (id === null) return { kind: "malformed", id: null, reason: "missing id" };
  const key = str(raw.key);
  if (key === null) return { kind: "malformed", id, reason: "missing key" };
  const fields = raw.fields;
  if (!isObj(fields)) return { kind: "malformed", id, reason: "missing fields" };
  const projectKey = isObj(fields.project) ? str(fields.project.key) : null;
  if (projectKey === null) return { kind: "malformed", id, reason: "missing fields.project.key" };
  if (projectKey.toUpperCase() !== ctx.projectKey.toUpperCase()) return { kind: "out_of_scope", id };
  const title = str(fields.summary);
  if (title === null) return { kind: "malformed", id, reason: "missing fields.summary" };
  const status = fields.status;
  const state = isObj(status) ? str(status.name) : null;
  if (state === null || !isObj(status))
    return { kind: "malformed", id, reason: "missing fields.status.name" };

  const blockedBy = jiraBlockers(fields.issuelinks);
  const waiting =
    isNewCategory(status, state) &&
    blockedBy.some((b) => b.state === null || !ctx.terminalStates.has(normaliseState(b.state)));
  const priorityName = isObj(fields.priority) ? str(fields.priority.name) : null;
  const labels = Array.isArray(fields.labels)
    ? fields.labels.filter((l): l is string => typeof l === "string")
    : [];
  const issue: Issue = {
    id,
    identifier: key,
    title,
    description: adfToText(fields.description),
    priority: priorityName === null ? null : (PRIORITY_BY_NAME[priorityName.trim().toLowerCase()] ?? null),
    state,
    branchName: null,
    url: `${ctx.baseUrl}/browse/${encodeURIComponent(key)}`,
    assigneeId: isObj(fields.assignee) ? str(fields.assignee.accountId) : null,
    labels: normaliseLabels(labels),
    blockedBy,
    dispatchable: !waiting,
    nativeRef: { issue_id: id, issue_key: key, project_key: projectKey },
    createdAt: parseTimestamp(fields.created),
    updatedAt: parseTimestamp(fields.updated),
  };
  return { kind: "issue", issue };
}
