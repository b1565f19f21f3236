import type { Issue } from "../../domain/issue.js";
import { normaliseLabels } from "../../domain/issue.js";
import { parseTimestamp } from "../rest/timestamp.js";

/** A normalised task, a task outside the configured project, or a malformed record. */
export type AsanaRecord =
  | { readonly kind: "issue"; readonly issue: Issue }
  | { readonly kind: "out_of_scope"; readonly gid: string }
  | { readonly kind: "malformed"; readonly gid: string | null; readonly reason: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === "string" && v.trim() !== "" ? v : null);

/** Normalises one task; its state is the name of its section in `projectGid`. */
export function normaliseAsanaTask(raw: unknown, projectGid: string): AsanaRecord {
  if (!isObj(raw)) return { kind: "malformed", gid: null, reason: "task is not an object" };
  const gid = str(raw.gid);
  if (gid === null || !/^\d+$/.test(gid))
    return { kind: "malformed", gid: null, reason: "missing or non-numeric gid" };
  if (!Array.isArray(raw.memberships)) return { kind: "malformed", gid, reason: "missing memberships" };
  const membership = raw.memberships.find(
    (m) => isObj(m) && isObj(m.project) && m.project.gid === projectGid,
  );
  if (membership === undefined) return { kind: "out_of_scope", gid };
  const section = (membership as Obj).section;
  const state = isObj(section) ? str(section.name) : null;
  if (state === null || !isObj(section))
    return { kind: "malformed", gid, reason: "no section in the project" };
  const title = str(raw.name);
  if (title === null) return { kind: "malformed", gid, reason: "missing name" };
  if (typeof raw.completed !== "boolean") return { kind: "malformed", gid, reason: "missing completed flag" };

  const tags = Array.isArray(raw.tags) ? raw.tags.map((t) => (isObj(t) ? str(t.name) : null)) : [];
  const notes = typeof raw.notes === "string" && raw.notes.trim() !== "" ? raw.notes : null;
  const sectionGid = str(section.gid);
  const issue: Issue = {
    id: gid,
    identifier: `ASANA-${gid}`,
    title,
    description: notes,
    priority: null,
    state,
    branchName: null,
    url: str(raw.permalink_url),
    assigneeId: isObj(raw.assignee) ? str(raw.assignee.gid) : null,
    labels: normaliseLabels(tags.filter((t): t is string => t !== null)),
    blockedBy: [],
    dispatchable: raw.completed === false && raw.resource_subtype !== "section",
    nativeRef: { task_gid: gid, project_gid: projectGid, section_gid: sectionGid },
    createdAt: parseTimestamp(raw.created_at),
    updatedAt: parseTimestamp(raw.modified_at),
  };
  return { kind: "issue", issue };
}
