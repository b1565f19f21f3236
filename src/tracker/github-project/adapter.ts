import type { AgentToolSpec, ToolResult } from "../../domain/agent-event.js";
import type { TrackerError } from "../../domain/errors.js";
import { type Issue, normaliseState } from "../../domain/issue.js";
import type { Logger } from "../../domain/logger.js";
import { err, ok, type Result } from "../../domain/result.js";
import type { Clock } from "../../util/clock.js";
import type { ToolContext, TrackerAdapter } from "../adapter.js";
import { unsupportedToolResult } from "../adapter.js";
import type { TrackerFactory } from "../factory.js";
import { WarnOnce } from "../warn-once.js";
import { GithubGraphqlClient } from "./client.js";
import type { GithubProjectSettings } from "./config.js";
import { itemRefOf, normaliseProjectItem, type ProjectItemRef } from "./normalise.js";
import { type ProjectFields, readItemsPage, readProjectFields } from "./pages.js";
import {
  BLOCKER_PAGE_SIZE,
  COMMENT_MUTATION,
  ITEMS_BY_ID_QUERY,
  ITEMS_QUERY,
  LABEL_PAGE_SIZE,
  MOVE_MUTATION,
  PROJECT_FIELDS_QUERY,
} from "./queries.js";
import { executeGithubGraphql, GITHUB_GRAPHQL_TOOL } from "./tools.js";

type Obj = Readonly<Record<string, unknown>>;

function failure(message: string, category: TrackerError["category"] = "tracker_response"): TrackerError {
  return { category, message, retryable: false };
}

/** Issues and draft issues of one GitHub Project (v2), states from its Status field (GraphQL). */
export class GithubProjectTracker implements TrackerAdapter {
  readonly kind = "github_project";
  readonly #settings: GithubProjectSettings;
  readonly #client: GithubGraphqlClient;
  readonly #malformed: WarnOnce;
  #fields: ProjectFields | null = null;
  /** Refs of items seen in reads, for comments and moves without another lookup. */
  readonly #refs = new Map<string, ProjectItemRef>();

  constructor(settings: GithubProjectSettings, logger: Logger, clock: Clock) {
    this.#settings = settings;
    this.#client = new GithubGraphqlClient(settings, clock);
    this.#malformed = new WarnOnce(logger);
  }

  async fetchIssuesByStates(
    states: readonly string[],
    signal: AbortSignal,
  ): Promise<Result<Issue[], TrackerError>> {
    const wanted = new Set(states.map(normaliseState).filter((s) => s !== ""));
    if (wanted.size === 0) return ok([]);
    const out: Issue[] = [];
    let after: string | null = null;
    for (let page = 1; ; page += 1) {
      if (page > this.#settings.maxPages) {
        return err(
          failure(
            `GitHub project still had items after ${this.#settings.maxPages} pages`,
            "tracker_pagination",
          ),
        );
      }
      const data = await this.#client.read(
        "SymphonyGithubProjectItems",
        ITEMS_QUERY,
        { ...this.#vars(), first: this.#settings.pageSize, after },
        signal,
      );
      if (!data.ok) return data;
      const read = readItemsPage(data.value, this.#settings);
      if (!read.ok) return read;
      this.#fields = read.value.fields;
      for (const node of read.value.nodes) {
        const issue = this.#normalise(node);
        if (issue !== null && wanted.has(normaliseState(issue.state))) out.push(issue);
      }
      if (read.value.endCursor === null) return ok(out);
      if (read.value.endCursor === after) {
        return err(failure("GitHub project items returned the same cursor twice", "tracker_pagination"));
      }
      after = read.value.endCursor;
    }
  }

  async fetchIssuesByIds(
    ids: readonly string[],
    signal: AbortSignal,
  ): Promise<Result<Issue[], TrackerError>> {
    const wanted = [...new Set(ids.filter((id) => id.trim() !== ""))];
    if (wanted.length === 0) return ok([]);
    const fields = await this.#projectFields(signal, false);
    if (!fields.ok) return fields;
    const byId = new Map<string, Issue>();
    for (let start = 0; start < wanted.length; start += this.#settings.pageSize) {
      const batch = wanted.slice(start, start + this.#settings.pageSize);
      // A deleted item is a NOT_FOUND error beside a null node: "no longer visible", not a failure.
      const data = await this.#client.read(
        "SymphonyGithubProjectItemsById",
        ITEMS_BY_ID_QUERY,
        { ...this.#fieldVars(), ids: batch },
        signal,
        true,
      );
      if (!data.ok) return data;
      const list = data.value.nodes;
      if (!Array.isArray(list)) return err(failure("GitHub nodes query returned no list"));
      for (const node of list) {
        if (node === null) continue;
        // Items of other projects are not this tracker's issues.
        if (itemRefOf(node)?.projectId !== fields.value.projectId) continue;
        const issue = this.#normalise(node);
        if (issue !== null) byId.set(issue.id, issue);
      }
    }
    return ok(wanted.flatMap((id) => byId.get(id) ?? []));
  }

  async addComment(issueId: string, body: string, signal: AbortSignal): Promise<Result<void, TrackerError>> {
    const ref = await this.#ref(issueId, signal);
    if (!ref.ok) return ref;
    if (ref.value.contentType !== "Issue") {
      return err(
        failure(
          `project item ${issueId} is a draft issue; GitHub cannot comment on drafts`,
          "tracker_request",
        ),
      );
    }
    const done = await this.#client.read(
      "SymphonyGithubProjectComment",
      COMMENT_MUTATION,
      { subjectId: ref.value.contentId, body },
      signal,
    );
    return done.ok ? ok(undefined) : done;
  }

  async moveIssue(issueId: string, state: string, signal: AbortSignal): Promise<Result<void, TrackerError>> {
    let fields = await this.#projectFields(signal, false);
    if (fields.ok && !fields.value.statusOptions.has(normaliseState(state)))
      fields = await this.#projectFields(signal, true);
    if (!fields.ok) return fields;
    const { projectId, statusFieldId, statusOptions } = fields.value;
    const optionId = statusOptions.get(normaliseState(state));
    if (statusFieldId === null || optionId === undefined) {
      const known = [...statusOptions.keys()].join(", ");
      return err(
        failure(
          `the project's ${this.#settings.statusField} field has no option "${state}" (options: ${known})`,
          "tracker_request",
        ),
      );
    }
    const done = await this.#client.read(
      "SymphonyGithubProjectMove",
      MOVE_MUTATION,
      { projectId, itemId: issueId, fieldId: statusFieldId, optionId },
      signal,
    );
    return done.ok ? ok(undefined) : done;
  }

  toolSpecs(): readonly AgentToolSpec[] {
    return [GITHUB_GRAPHQL_TOOL];
  }

  async executeTool(name: string, args: unknown, context: ToolContext): Promise<ToolResult> {
    if (name !== GITHUB_GRAPHQL_TOOL.name) return unsupportedToolResult(name, [GITHUB_GRAPHQL_TOOL.name]);
    return executeGithubGraphql(this.#client, args, context.signal);
  }

  secretEnvNames(): readonly string[] {
    return this.#settings.secretEnvNames;
  }

  rateLimits(): Obj | null {
    return this.#client.rateLimits();
  }

  async close(): Promise<void> {
    this.#client.close();
  }

  #fieldVars(): Obj {
    return {
      statusField: this.#settings.statusField,
      priorityField: this.#settings.priorityField,
      labelFirst: LABEL_PAGE_SIZE,
      blockerFirst: BLOCKER_PAGE_SIZE,
    };
  }

  #vars(): Obj {
    return { ...this.#fieldVars(), login: this.#settings.owner, number: this.#settings.projectNumber };
  }

  #normalise(node: unknown): Issue | null {
    const issue = normaliseProjectItem(node, { priorityOptions: this.#fields?.priorityOptions ?? [] });
    if (issue.ok) {
      const ref = itemRefOf(node);
      if (ref !== null) this.#refs.set(issue.value.id, ref);
      return issue.value;
    }
    if (issue.error.kind === "malformed") {
      this.#malformed.warn(issue.error.id ?? "?", "skipping malformed GitHub project item", {
        tracker: "github_project",
        item_id: issue.error.id,
        reason: issue.error.reason,
      });
    }
    return null;
  }

  async #projectFields(signal: AbortSignal, refresh: boolean): Promise<Result<ProjectFields, TrackerError>> {
    if (this.#fields !== null && !refresh) return ok(this.#fields);
    const { labelFirst: _l, blockerFirst: _b, ...vars } = this.#vars();
    const data = await this.#client.read("SymphonyGithubProjectFields", PROJECT_FIELDS_QUERY, vars, signal);
    if (!data.ok) return data;
    const fields = readProjectFields(data.value, this.#settings);
    if (fields.ok) this.#fields = fields.value;
    return fields;
  }

  async #ref(issueId: string, signal: AbortSignal): Promise<Result<ProjectItemRef, TrackerError>> {
    const known = this.#refs.get(issueId);
    if (known !== undefined) return ok(known);
    const read = await this.fetchIssuesByIds([issueId], signal);
    if (!read.ok) return read;
    const ref = this.#refs.get(issueId);
    return ref === undefined ? err(failure(`project item ${issueId} not found`, "tracker_request")) : ok(ref);
  }
}

/** Builds the GitHub Projects tracker from the parsed `tracker.provider` settings. */
export const createGithubProjectTracker: TrackerFactory<"github_project"> = (config, deps) =>
  new GithubProjectTracker(
    config.tracker.provider,
    deps.logger.child({ tracker: "github_project" }),
    deps.clock,
  );
