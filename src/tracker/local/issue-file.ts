import { parseDocument } from "yaml";
import { messageOf } from "../../domain/errors.js";
import { normaliseLabels } from "../../domain/issue.js";
import { err, ok, type Result } from "../../domain/result.js";

/** One issue file as written on disk, before blocker states are resolved. */
export interface IssueRecord {
  /** The file stem; also the issue id. */
  readonly identifier: string;
  readonly title: string;
  readonly state: string;
  readonly priority: number | null;
  readonly labels: readonly string[];
  /** Identifiers of blocking issues. */
  readonly blockedBy: readonly string[];
  readonly createdAt: number | null;
  readonly description: string | null;
}

const FENCE = /^---[ \t]*\r?$/;

/** Splits `---` front matter from the body; null when the file has no front matter. */
export function splitFrontMatter(text: string): { readonly yaml: string; readonly body: string } | null {
  const firstEnd = text.indexOf("\n");
  if (firstEnd < 0 || !FENCE.test(text.slice(0, firstEnd))) return null;
  let pos = firstEnd + 1;
  while (pos <= text.length) {
    const end = text.indexOf("\n", pos);
    const line = text.slice(pos, end < 0 ? text.length : end);
    if (FENCE.test(line)) {
      return { yaml: text.slice(firstEnd + 1, pos), body: end < 0 ? "" : text.slice(end + 1) };
    }
    if (end < 0) break;
    pos = end + 1;
  }
  return null;
}

function str(value: unknown): string | null {
  if (typeof value === "string" && value.trim() !== "") return value.trim();
  if (typeof value === "number") return String(value);
  return null;
}

function blockerList(value: unknown): string[] | null {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const item of items) {
    const id =
      str(item) ??
      (typeof item === "object" && item !== null ? str((item as Record<string, unknown>).identifier) : null);
    if (id === null) return null;
    out.push(id);
  }
  return out;
}

/** Parses one `<IDENTIFIER>.md` file; the error is a one-line reason naming the bad field. */
export function parseIssueFile(identifier: string, text: string): Result<IssueRecord, string> {
  const parts = splitFrontMatter(text);
  if (parts === null) return err("missing --- front matter");
  let data: unknown;
  try {
    const doc = parseDocument(parts.yaml, { uniqueKeys: false });
    if (doc.errors.length > 0) return err(`invalid YAML: ${doc.errors[0]?.message.split("\n")[0] ?? "?"}`);
    data = doc.toJS({ maxAliasCount: 20 });
  } catch (cause) {
    return err(`invalid YAML: ${messageOf(cause)}`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data))
    return err("front matter is not a map");
  const fields = data as Record<string, unknown>;
  const title = str(fields.title);
  if (title === null) return err("title is missing");
  const state = str(fields.state);
  if (state === null) return err("state is missing");
  const priority = fields.priority;
  const labels = fields.labels;
  const labelList = Array.isArray(labels) ? labels.filter((l): l is string => typeof l === "string") : [];
  const blockedBy = blockerList(fields.blocked_by);
  if (blockedBy === null) return err("blocked_by must be a list of identifiers");
  const created = fields.created_at;
  const createdMs =
    created instanceof Date
      ? created.getTime()
      : typeof created === "string"
        ? Date.parse(created)
        : Number.NaN;
  const body = parts.body.trim();
  return ok({
    identifier,
    title,
    state,
    priority: typeof priority === "number" && Number.isInteger(priority) ? priority : null,
    labels: normaliseLabels(labelList),
    blockedBy,
    createdAt: Number.isFinite(createdMs) ? createdMs : null,
    description: body === "" ? null : body,
  });
}

/** Returns the file text with `state` set, keeping other keys, comments and the body as they were. */
export function withState(text: string, state: string): Result<string, string> {
  const parts = splitFrontMatter(text);
  if (parts === null) return err("missing --- front matter");
  const doc = parseDocument(parts.yaml);
  if (doc.errors.length > 0) return err("invalid YAML");
  doc.set("state", state);
  return ok(`---\n${String(doc)}---\n${parts.body}`);
}

/** Returns the file text with a dated comment appended to the body. */
export function withComment(text: string, comment: string, at: Date): string {
  const base = text.endsWith("\n") ? text : `${text}\n`;
  return `${base}\n## Comment (${at.toISOString()})\n\n${comment.trim()}\n`;
}

/** Renders a new issue file. */
export function renderIssueFile(fields: {
  readonly title: string;
  readonly state: string;
  readonly priority?: number | null;
  readonly labels?: readonly string[];
  readonly blockedBy?: readonly string[];
  readonly createdAt: Date;
  readonly description?: string | null;
}): string {
  const doc = parseDocument("{}");
  doc.contents = doc.createNode({
    title: fields.title,
    state: fields.state,
    ...(fields.priority === undefined || fields.priority === null ? {} : { priority: fields.priority }),
    ...(fields.labels === undefined || fields.labels.length === 0 ? {} : { labels: [...fields.labels] }),
    ...(fields.blockedBy === undefined || fields.blockedBy.length === 0
      ? {}
      : { blocked_by: [...fields.blockedBy] }),
    created_at: fields.createdAt.toISOString(),
  }) as typeof doc.contents;
  const body = fields.description?.trim() ?? "";
  return `---\n${String(doc)}---\n${body === "" ? "" : `${body}\n`}`;
}
