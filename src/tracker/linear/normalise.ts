import type { BlockerRef, Issue } from "../../domain/issue.js";
import { normaliseLabels, normaliseState } from "../../domain/issue.js";
import { err, ok, type Result } from "../../domain/result.js";
import { parseTimestamp } from "../rest/timestamp.js";

/** What normalisation needs besides the node: terminal states and the resolved assignee filter. */
export interface NormaliseContext {
  /** Terminal state names, already normalised (trim + lowercase). */
  readonly terminalStates: ReadonlySet<string>;
  /** Linear user id an issue must be assigned to, or null for no assignee routing. */
  readonly assigneeId: string | null;
}

/** Why a provider node could not become an `Issue` (it lacks a required field). */
export interface MalformedNode {
  readonly id: string | null;
  readonly reason: string;
}

type Obj = Readonly<Record<string, unknown>>;

function asObject(value: unknown): Obj | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Obj) : null;
}

function nonBlank(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value : null;
}

function nodesOf(connection: unknown): readonly unknown[] {
  const nodes = asObject(connection)?.nodes;
  return Array.isArray(nodes) ? nodes : [];
}

function truncated(connection: unknown): boolean {
  return asObject(asObject(connection)?.pageInfo)?.hasNextPage === true;
}

/** Linear's `priority` is a Float; only an integer survives (0 means "no priority" and sorts with null). */
function parsePriority(value: unknown): number | null {
  return typeof value === "number" && Number.isInteger(value) ? value : null;
}

/** Blockers are the sources of inverse relations of type `blocks` (they block this issue). */
function parseBlockers(inverseRelations: unknown): BlockerRef[] {
  const blockers: BlockerRef[] = [];
  for (const raw of nodesOf(inverseRelations)) {
    const relation = asObject(raw);
    if (relation === null || typeof relation.type !== "string") continue;
    if (relation.type.trim().toLowerCase() !== "blocks") continue;
    const source = asObject(relation.issue);
    if (source === null) continue;
    const id = nonBlank(source.id);
    const identifier = nonBlank(source.identifier);
    if (id === null && identifier === null) continue;
    blockers.push({ id, identifier, state: nonBlank(asObject(source.state)?.name) });
  }
  return blockers;
}

/**
 * Linear routing rules as one flag: the issue must be assigned to the configured assignee (when
 * one is set), and a `Todo` issue must have no blocker whose state is non-terminal or unknown. When
 * the relation list was truncated, a `Todo` issue's blockers are unknown, so it is not dispatchable.
 */
function isDispatchable(
  state: string,
  assigneeId: string | null,
  blockers: readonly BlockerRef[],
  relationsTruncated: boolean,
  ctx: NormaliseContext,
): boolean {
  if (ctx.assigneeId !== null && assigneeId !== ctx.assigneeId) return false;
  if (normaliseState(state) !== "todo") return true;
  if (relationsTruncated) return false;
  return blockers.every((b) => b.state !== null && ctx.terminalStates.has(normaliseState(b.state)));
}

/** Maps one Linear `Issue` node to the domain `Issue`, or says which required field is missing. */
export function normaliseLinearIssue(node: unknown, ctx: NormaliseContext): Result<Issue, MalformedNode> {
  const raw = asObject(node);
  if (raw === null) return err({ id: null, reason: "issue node is not an object" });
  const id = nonBlank(raw.id);
  if (id === null) return err({ id: null, reason: "missing id" });
  const identifier = nonBlank(raw.identifier);
  const title = nonBlank(raw.title);
  const state = nonBlank(asObject(raw.state)?.name);
  // checked one by one (no tuple list): this runs for every issue of every poll
  if (identifier === null) return err({ id, reason: "missing identifier" });
  if (title === null) return err({ id, reason: "missing title" });
  if (state === null) return err({ id, reason: "missing state.name" });
  const labelNames: string[] = [];
  for (const label of nodesOf(raw.labels)) {
    const name = asObject(label)?.name;
    if (typeof name === "string") labelNames.push(name);
  }
  const assigneeId = nonBlank(asObject(raw.assignee)?.id);
  const blockedBy = parseBlockers(raw.inverseRelations);
  return ok({
    id,
    identifier,
    title,
    description: typeof raw.description === "string" ? raw.description : null,
    priority: parsePriority(raw.priority),
    state,
    branchName: nonBlank(raw.branchName),
    url: nonBlank(raw.url),
    assigneeId,
    labels: normaliseLabels(labelNames),
    blockedBy,
    dispatchable: isDispatchable(state, assigneeId, blockedBy, truncated(raw.inverseRelations), ctx),
    // Linear's `id` is already the issue's own UUID, so there is no other provider id to keep.
    nativeRef: null,
    createdAt: parseTimestamp(raw.createdAt),
    updatedAt: parseTimestamp(raw.updatedAt),
  });
}

/** True when the node's label connection had more labels than were read. */
export function labelsTruncated(node: unknown): boolean {
  return truncated(asObject(node)?.labels);
}
