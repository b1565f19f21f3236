import { configError, type ProviderParser, showValue } from "../../config/provider.js";
import type { BlockerRef, Issue } from "../../domain/issue.js";
import { normaliseLabels } from "../../domain/issue.js";
import { err, ok } from "../../domain/result.js";
import type { WorkflowError } from "../../domain/workflow-error.js";

/** Settings of the in-memory tracker (`tracker.kind: memory`): a fixed list of issues. */
export interface MemoryTrackerSettings {
  readonly issues: readonly Issue[];
}

type Fields = Readonly<Record<string, unknown>>;

function isMap(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads one issue field, recording a typed error when it has the wrong type. */
class FieldReader {
  constructor(
    private readonly fields: Fields,
    private readonly prefix: string,
    private readonly errors: WorkflowError[],
  ) {}

  private fail(key: string, expected: string, value: unknown): void {
    this.errors.push(configError(`${this.prefix}.${key}`, `must be ${expected}, got ${showValue(value)}`));
  }

  /** A string or number rendered as a non-blank string; required fields report when missing. */
  text(key: string, required: true): string;
  text(key: string, required: false): string | null;
  text(key: string, required: boolean): string | null {
    const value = this.fields[key];
    if ((value === undefined || value === null) && !required) return null;
    if ((typeof value === "string" && value.trim() !== "") || typeof value === "number") return String(value);
    this.fail(key, "a non-blank string", value);
    return required ? "" : null;
  }

  int(key: string): number | null {
    const value = this.fields[key];
    if (value === undefined || value === null) return null;
    if (typeof value === "number" && Number.isInteger(value)) return value;
    this.fail(key, "an integer", value);
    return null;
  }

  timestamp(key: string): number | null {
    const value = this.fields[key];
    if (value === undefined || value === null) return null;
    const ms = value instanceof Date ? value.getTime() : typeof value === "string" ? Date.parse(value) : NaN;
    if (Number.isFinite(ms)) return ms;
    this.fail(key, "an ISO-8601 timestamp", value);
    return null;
  }

  bool(key: string, fallback: boolean): boolean {
    const value = this.fields[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value === "boolean") return value;
    this.fail(key, "a boolean", value);
    return fallback;
  }

  list(key: string): readonly unknown[] {
    const value = this.fields[key];
    if (value === undefined || value === null) return [];
    if (Array.isArray(value)) return value;
    this.fail(key, "a list", value);
    return [];
  }

  map(key: string): Fields | null {
    const value = this.fields[key];
    if (value === undefined || value === null) return null;
    if (isMap(value)) return value;
    this.fail(key, "a map", value);
    return null;
  }
}

function parseIssue(raw: unknown, prefix: string, errors: WorkflowError[]): Issue | null {
  if (!isMap(raw)) {
    errors.push(configError(prefix, `must be a map, got ${showValue(raw)}`));
    return null;
  }
  const r = new FieldReader(raw, prefix, errors);
  const labels = r.list("labels").filter((label, i) => {
    if (typeof label === "string") return true;
    errors.push(configError(`${prefix}.labels.${i}`, `must be a string, got ${showValue(label)}`));
    return false;
  }) as string[];
  const blockedBy: BlockerRef[] = [];
  r.list("blocked_by").forEach((blocker, i) => {
    if (!isMap(blocker)) {
      errors.push(configError(`${prefix}.blocked_by.${i}`, `must be a map, got ${showValue(blocker)}`));
      return;
    }
    const b = new FieldReader(blocker, `${prefix}.blocked_by.${i}`, errors);
    blockedBy.push({
      id: b.text("id", false),
      identifier: b.text("identifier", false),
      state: b.text("state", false),
    });
  });
  return {
    id: r.text("id", true),
    identifier: r.text("identifier", true),
    title: r.text("title", true),
    description: r.text("description", false),
    priority: r.int("priority"),
    state: r.text("state", true),
    branchName: r.text("branch_name", false),
    url: r.text("url", false),
    assigneeId: r.text("assignee_id", false),
    labels: normaliseLabels(labels),
    blockedBy,
    dispatchable: r.bool("dispatchable", true),
    nativeRef: r.map("native_ref"),
    createdAt: r.timestamp("created_at"),
    updatedAt: r.timestamp("updated_at"),
  };
}

/** Parses `tracker.provider` for `kind: memory`: an optional `issues` list normalised to domain issues. */
export const parseMemoryProvider: ProviderParser<MemoryTrackerSettings> = (raw) => {
  const errors: WorkflowError[] = [];
  const list = raw.issues;
  if (list === undefined || list === null) return ok({ issues: [] });
  if (!Array.isArray(list)) {
    return err([configError("tracker.provider.issues", `must be a list, got ${showValue(list)}`)]);
  }
  const issues: Issue[] = [];
  list.forEach((item, i) => {
    const issue = parseIssue(item, `tracker.provider.issues.${i}`, errors);
    if (issue !== null) issues.push(issue);
  });
  return errors.length > 0 ? err(errors) : ok({ issues });
};
