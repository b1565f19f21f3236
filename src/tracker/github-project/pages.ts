import type { TrackerError } from "../../domain/errors.js";
import { normaliseState } from "../../domain/issue.js";
import { err, ok, type Result } from "../../domain/result.js";
import type { GithubProjectSettings } from "./config.js";

/** The project's id and the mapped fields' ids and options, as the latest read saw them. */
export interface ProjectFields {
  readonly projectId: string;
  readonly statusFieldId: string | null;
  /** Normalised option name → option id of the Status field. */
  readonly statusOptions: ReadonlyMap<string, string>;
  /** Option ids of a single-select priority field in board order; empty for a number field. */
  readonly priorityOptions: readonly string[];
}

/** One page of items with the project's fields; `endCursor` is null on the last page. */
export interface ItemsPage {
  readonly fields: ProjectFields;
  readonly nodes: readonly unknown[];
  readonly endCursor: string | null;
}

type Obj = Readonly<Record<string, unknown>>;

function obj(value: unknown): Obj | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Obj) : null;
}

function problem(message: string, category: TrackerError["category"] = "tracker_response"): TrackerError {
  return { category, message, retryable: false };
}

function options(field: Obj | null): { id: string; name: string }[] {
  const list = field?.options;
  if (!Array.isArray(list)) return [];
  return list.flatMap((o) => {
    const option = obj(o);
    return typeof option?.id === "string" && typeof option.name === "string"
      ? [{ id: option.id, name: option.name }]
      : [];
  });
}

/** The `projectV2` object of a `repositoryOwner` read, or a typed error naming what is missing. */
function projectOf(data: Obj, settings: GithubProjectSettings): Result<Obj, TrackerError> {
  const owner = obj(data.repositoryOwner);
  const where = `${settings.owner}/projects/${settings.projectNumber}`;
  if (owner === null)
    return err(problem(`GitHub has no user or organization ${settings.owner}`, "tracker_request"));
  const project = obj(owner.projectV2);
  if (project === null)
    return err(
      problem(`GitHub project ${where} not found (or the token lacks the project scope)`, "tracker_request"),
    );
  return ok(project);
}

function fieldsOf(project: Obj): Result<ProjectFields, TrackerError> {
  if (typeof project.id !== "string") return err(problem("GitHub project without id"));
  const status = obj(project.statusField);
  const priority = obj(project.priorityField);
  return ok({
    projectId: project.id,
    statusFieldId: typeof status?.id === "string" ? status.id : null,
    statusOptions: new Map(options(status).map((o) => [normaliseState(o.name), o.id])),
    priorityOptions: options(priority).map((o) => o.id),
  });
}

/** Reads the project's fields from a `SymphonyGithubProjectFields` reply. */
export function readProjectFields(
  data: Obj,
  settings: GithubProjectSettings,
): Result<ProjectFields, TrackerError> {
  const project = projectOf(data, settings);
  return project.ok ? fieldsOf(project.value) : project;
}

/** Reads one `SymphonyGithubProjectItems` page; paging integrity problems are typed errors. */
export function readItemsPage(data: Obj, settings: GithubProjectSettings): Result<ItemsPage, TrackerError> {
  const project = projectOf(data, settings);
  if (!project.ok) return project;
  const fields = fieldsOf(project.value);
  if (!fields.ok) return fields;
  if (fields.value.statusFieldId === null) {
    return err(
      problem(`GitHub project has no single-select field named "${settings.statusField}"`, "tracker_request"),
    );
  }
  const items = obj(project.value.items);
  const nodes = items?.nodes;
  const pageInfo = obj(items?.pageInfo);
  if (!Array.isArray(nodes) || pageInfo === null || typeof pageInfo.hasNextPage !== "boolean") {
    return err(problem("GitHub project items page lacks nodes or pageInfo"));
  }
  if (!pageInfo.hasNextPage) return ok({ fields: fields.value, nodes, endCursor: null });
  if (typeof pageInfo.endCursor !== "string" || pageInfo.endCursor === "") {
    return err(problem("GitHub said hasNextPage but gave no endCursor", "tracker_pagination"));
  }
  return ok({ fields: fields.value, nodes, endCursor: pageInfo.endCursor });
}
