import type { BlockerRef, Issue } from "../../domain/issue.js";
import { normaliseLabels, normaliseState } from "../../domain/issue.js";
import { err, ok, type Result } from "../../domain/result.js";
import { parseTimestamp } from "../rest/timestamp.js";

/** The state of an item whose Status is not set (GitHub's board shows it as this column). */
export const NO_STATUS = "No Status";

/** What normalisation needs besides the item node. */
export interface ProjectNormaliseContext {
  /** Option ids of the single-select priority field in board order (first = most urgent), if it is one. */
  readonly priorityOptions: readonly string[];
}

/** Why an item could not become an `Issue`; `skip` items are not issues at all (pull requests, archived). */
export type ItemProblem =
  | { readonly kind: "skip"; readonly id: string | null }
  | { readonly kind: "malformed"; readonly id: string | null; readonly reason: string };

/** Provider ids the adapter needs to act on an item (comment, move); opaque to the orchestrator. */
export interface ProjectItemRef {
  readonly projectId: string | null;
  readonly itemId: string;
  readonly contentId: string;
  readonly contentType: "Issue" | "DraftIssue";
  readonly repository: string | null;
  readonly number: number | null;
}

type Obj = Readonly<Record<string, unknown>>;

function obj(value: unknown): Obj | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Obj) : null;
}

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value : null;
}

function nodes(connection: unknown): readonly unknown[] {
  const list = obj(connection)?.nodes;
  return Array.isArray(list) ? list : [];
}

function truncated(connection: unknown): boolean {
  return obj(obj(connection)?.pageInfo)?.hasNextPage === true;
}

/** Single-select → board position (1 = first option); number field → its integer value. */
function priorityOf(value: unknown, ctx: ProjectNormaliseContext): number | null {
  const field = obj(value);
  if (field === null) return null;
  if (typeof field.number === "number") return Number.isInteger(field.number) ? field.number : null;
  const index = typeof field.optionId === "string" ? ctx.priorityOptions.indexOf(field.optionId) : -1;
  return index < 0 ? null : index + 1;
}

/** Sub-issues block their parent: the parent is worked after its children close. */
function blockersOf(content: Obj): BlockerRef[] {
  return nodes(content.subIssues).flatMap((raw) => {
    const sub = obj(raw);
    if (sub === null) return [];
    const repo = text(obj(sub.repository)?.name);
    const number = typeof sub.number === "number" ? sub.number : null;
    const state = text(sub.state);
    return [
      {
        id: text(sub.id),
        identifier: repo !== null && number !== null ? `${repo}-${number}` : null,
        state: state === null ? null : state.toLowerCase(),
      },
    ];
  });
}

/** The item's ids for comments and moves, read from the item node. */
export function itemRefOf(node: unknown): ProjectItemRef | null {
  const item = obj(node);
  const content = obj(item?.content);
  const itemId = text(item?.id);
  const contentId = text(content?.id);
  if (item === null || content === null || itemId === null || contentId === null) return null;
  const isIssue = typeof content.number === "number";
  return {
    projectId: text(obj(item.project)?.id),
    itemId,
    contentId,
    contentType: isIssue ? "Issue" : "DraftIssue",
    repository: text(obj(content.repository)?.nameWithOwner),
    number: isIssue ? (content.number as number) : null,
  };
}

/**
 * Maps one `ProjectV2Item` to the domain `Issue`: the item id is the issue id, the Status option its
 * state. Issues are `<repo>-<number>`, draft issues `draft-<item id tail>`. A `todo` item with an open
 * sub-issue (or more sub-issues than were read) is not dispatchable.
 */
export function normaliseProjectItem(
  node: unknown,
  ctx: ProjectNormaliseContext,
): Result<Issue, ItemProblem> {
  const item = obj(node);
  const id = text(item?.id);
  if (item === null || id === null) return err({ kind: "malformed", id: null, reason: "item without id" });
  if (item.isArchived === true || (item.type !== "ISSUE" && item.type !== "DRAFT_ISSUE")) {
    return err({ kind: "skip", id });
  }
  const content = obj(item.content);
  const ref = itemRefOf(item);
  const title = text(content?.title);
  if (content === null || ref === null || title === null) {
    return err({ kind: "malformed", id, reason: "item content lacks id or title" });
  }
  const repo = text(obj(content.repository)?.name);
  if (ref.contentType === "Issue" && repo === null) {
    return err({ kind: "malformed", id, reason: "issue without repository" });
  }
  const identifier = ref.contentType === "Issue" ? `${repo}-${ref.number}` : `draft-${id.slice(-8)}`;
  const state = text(obj(item.status)?.name) ?? NO_STATUS;
  const blockedBy = ref.contentType === "Issue" ? blockersOf(content) : [];
  const blockersUnknown = truncated(content.subIssues);
  const dispatchable =
    normaliseState(state) !== "todo" || (!blockersUnknown && blockedBy.every((b) => b.state === "closed"));
  const labels = nodes(content.labels)
    .map((l) => obj(l)?.name)
    .filter((n): n is string => typeof n === "string");
  const nativeRef: Readonly<Record<string, unknown>> = { ...ref };
  return ok({
    id,
    identifier,
    title,
    description: typeof content.body === "string" ? content.body : null,
    priority: priorityOf(item.priority, ctx),
    state,
    branchName: null,
    url: text(content.url),
    assigneeId: text(obj(nodes(content.assignees)[0])?.login),
    labels: normaliseLabels(labels),
    blockedBy,
    dispatchable,
    nativeRef,
    createdAt: parseTimestamp(content.createdAt ?? item.createdAt),
    updatedAt: parseTimestamp(item.updatedAt),
  });
}
