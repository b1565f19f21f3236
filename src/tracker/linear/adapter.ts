import type { AgentToolSpec, ToolResult } from "../../domain/agent-event.js";
import type { TrackerError } from "../../domain/errors.js";
import type { Issue } from "../../domain/issue.js";
import { normaliseState } from "../../domain/issue.js";
import type { Logger } from "../../domain/logger.js";
import { err, ok, type Result } from "../../domain/result.js";
import type { Clock } from "../../util/clock.js";
import {
  type ToolContext,
  type TrackerAdapter,
  unsupportedToolResult,
  type WebhookRequest,
  type WebhookVerdict,
} from "../adapter.js";
import { LinearClient } from "./client.js";
import type { LinearTrackerSettings } from "./config.js";
import { labelsTruncated, normaliseLinearIssue } from "./normalise.js";
import {
  ISSUES_BY_ID_QUERY,
  LABEL_PAGE_SIZE,
  POLL_QUERY,
  RELATION_PAGE_SIZE,
  VIEWER_QUERY,
} from "./queries.js";
import { executeLinearGraphql, LINEAR_GRAPHQL_TOOL } from "./tools.js";
import { verifyLinearWebhook } from "./webhook.js";

/** Pages one read may fetch before it is treated as a runaway loop (50,000 issues at page size 50). */
export const DEFAULT_MAX_PAGES = 1_000;

/** Everything a Linear adapter is built from. */
export interface LinearAdapterOptions {
  readonly settings: LinearTrackerSettings;
  /** `tracker.terminal_states`; a `Todo` issue is dispatchable only when every blocker is in one. */
  readonly terminalStates: readonly string[];
  readonly clock: Clock;
  readonly logger: Logger;
  /** Page limit per read; defaults to {@link DEFAULT_MAX_PAGES}. */
  readonly maxPages?: number;
}

type Obj = Readonly<Record<string, unknown>>;

interface Page {
  readonly nodes: readonly unknown[];
  readonly endCursor: string | null;
}

function pageError(message: string, category: TrackerError["category"] = "tracker_response"): TrackerError {
  return { category, message, retryable: false };
}

/** Unique non-blank strings, first occurrence order. */
function uniqueNonBlank(values: readonly string[]): string[] {
  return [...new Set(values.filter((v) => v.trim() !== ""))];
}

/**
 * A `WorkflowStateFilter` matching any of the names after trim + lowercase (spec 4.2), or null
 * when no usable name is left.
 */
export function stateNameFilter(states: readonly string[]): Readonly<Record<string, unknown>> | null {
  const names = [...new Map(states.map((s) => [normaliseState(s), s.trim()])).entries()]
    .filter(([key]) => key !== "")
    .map(([, name]) => ({ name: { eqIgnoreCase: name } }));
  return names.length === 0 ? null : { or: names };
}

/** The Linear implementation of the tracker read kernel plus the `linear_graphql` tool. */
export class LinearTrackerAdapter implements TrackerAdapter {
  readonly kind = "linear";
  readonly #settings: LinearTrackerSettings;
  readonly #client: LinearClient;
  readonly #logger: Logger;
  readonly #terminalStates: ReadonlySet<string>;
  readonly #maxPages: number;
  readonly #clock: Clock;
  #viewerId: string | null = null;

  constructor(options: LinearAdapterOptions) {
    this.#settings = options.settings;
    this.#logger = options.logger;
    this.#client = new LinearClient(options.settings, { clock: options.clock, logger: options.logger });
    this.#terminalStates = new Set(options.terminalStates.map(normaliseState));
    this.#maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
    this.#clock = options.clock;
  }

  async fetchIssuesByStates(
    states: readonly string[],
    signal: AbortSignal,
  ): Promise<Result<Issue[], TrackerError>> {
    const stateFilter = stateNameFilter(states);
    if (stateFilter === null) return ok([]);
    const assignee = await this.#assigneeId(signal);
    if (!assignee.ok) return assignee;
    const issues: Issue[] = [];
    const read = await this.#paginate(
      "SymphonyLinearPoll",
      POLL_QUERY,
      { projectSlug: this.#settings.projectSlug, stateFilter },
      signal,
      (nodes) => {
        for (const node of nodes) {
          const issue = this.#normalise(node, assignee.value);
          // A candidate that cannot be normalised was never safe to dispatch: omit it, loudly.
          if (!issue.ok) {
            this.#logger.warn("linear issue omitted: malformed", {
              issue_id: issue.error.id,
              reason: issue.error.reason,
            });
            continue;
          }
          issues.push(issue.value);
        }
        return null;
      },
    );
    if (!read.ok) return read;
    return ok(issues);
  }

  async fetchIssuesByIds(
    ids: readonly string[],
    signal: AbortSignal,
  ): Promise<Result<Issue[], TrackerError>> {
    const wanted = uniqueNonBlank(ids);
    if (wanted.length === 0) return ok([]);
    const assignee = await this.#assigneeId(signal);
    if (!assignee.ok) return assignee;
    const byId = new Map<string, Issue>();
    for (let start = 0; start < wanted.length; start += this.#settings.pageSize) {
      const batch = wanted.slice(start, start + this.#settings.pageSize);
      const read = await this.#paginate(
        "SymphonyLinearIssuesById",
        ISSUES_BY_ID_QUERY,
        { projectSlug: this.#settings.projectSlug, ids: batch },
        signal,
        (nodes) => {
          for (const node of nodes) {
            const issue = this.#normalise(node, assignee.value);
            // Omission means "no longer visible" to the orchestrator, so a malformed record fails the call.
            if (!issue.ok) {
              const which = issue.error.id ?? "(no id)";
              return pageError(`Linear returned a malformed issue ${which}: ${issue.error.reason}`);
            }
            byId.set(issue.value.id, issue.value);
          }
          return null;
        },
      );
      if (!read.ok) return read;
    }
    return ok(wanted.flatMap((id) => byId.get(id) ?? []));
  }

  toolSpecs(): readonly AgentToolSpec[] {
    return [LINEAR_GRAPHQL_TOOL];
  }

  async executeTool(name: string, args: unknown, context: ToolContext): Promise<ToolResult> {
    if (name !== LINEAR_GRAPHQL_TOOL.name) {
      return unsupportedToolResult(name, [LINEAR_GRAPHQL_TOOL.name]);
    }
    return executeLinearGraphql(this.#client, args, context.signal);
  }

  secretEnvNames(): readonly string[] {
    return this.#settings.secretEnvNames;
  }

  rateLimits(): Readonly<Record<string, unknown>> | null {
    return this.#client.rateLimits();
  }

  verifyWebhook(request: WebhookRequest, secret: string): Result<WebhookVerdict, string> {
    return verifyLinearWebhook(request, secret, this.#clock.now());
  }

  async close(): Promise<void> {
    this.#client.close();
  }

  #normalise(node: unknown, assigneeId: string | null) {
    const issue = normaliseLinearIssue(node, { terminalStates: this.#terminalStates, assigneeId });
    if (issue.ok && labelsTruncated(node)) {
      this.#logger.warn("linear issue labels truncated", {
        issue_id: issue.value.id,
        issue_identifier: issue.value.identifier,
        read: LABEL_PAGE_SIZE,
      });
    }
    return issue;
  }

  /** The Linear user id issues must be assigned to: none, a configured id, or `me` via `viewer`. */
  async #assigneeId(signal: AbortSignal): Promise<Result<string | null, TrackerError>> {
    const assignee = this.#settings.assignee?.trim() ?? "";
    if (assignee === "") return ok(null);
    if (assignee.toLowerCase() !== "me") return ok(assignee);
    if (this.#viewerId !== null) return ok(this.#viewerId);
    const data = await this.#client.read("SymphonyLinearViewer", VIEWER_QUERY, {}, signal);
    if (!data.ok) return data;
    const viewer = data.value.viewer;
    const id = typeof viewer === "object" && viewer !== null ? (viewer as Obj).id : undefined;
    if (typeof id !== "string" || id.trim() === "") {
      return err(pageError("Linear viewer query returned no user id for `assignee: me`"));
    }
    this.#viewerId = id;
    return ok(id);
  }

  /**
   * Every page of one `issues` read, handed to `onPage` in server order as it arrives (so raw
   * pages are not retained); paging integrity failures and an error from `onPage` end the read.
   */
  async #paginate(
    operationName: string,
    query: string,
    variables: Obj,
    signal: AbortSignal,
    onPage: (nodes: readonly unknown[]) => TrackerError | null,
  ): Promise<Result<void, TrackerError>> {
    let after: string | null = null;
    for (let pageNumber = 1; ; pageNumber += 1) {
      if (pageNumber > this.#maxPages) {
        return err(
          pageError(
            `Linear ${operationName} still had more pages after ${this.#maxPages} pages; stopping`,
            "tracker_pagination",
          ),
        );
      }
      const data = await this.#client.read(
        operationName,
        query,
        {
          ...variables,
          first: this.#settings.pageSize,
          after,
          labelFirst: LABEL_PAGE_SIZE,
          relationFirst: RELATION_PAGE_SIZE,
        },
        signal,
      );
      if (!data.ok) return data;
      const page = parsePage(data.value, operationName);
      if (!page.ok) return page;
      const rejected = onPage(page.value.nodes);
      if (rejected !== null) return err(rejected);
      if (page.value.endCursor === null) return ok(undefined);
      if (page.value.endCursor === after) {
        return err(pageError(`Linear ${operationName} returned the same cursor twice`, "tracker_pagination"));
      }
      after = page.value.endCursor;
    }
  }
}

/** The `issues` connection of one page; `endCursor` is null on the last page. */
function parsePage(data: Obj, operationName: string): Result<Page, TrackerError> {
  const connection = data.issues;
  if (typeof connection !== "object" || connection === null) {
    return err(pageError(`Linear ${operationName} returned no issues connection`));
  }
  const { nodes, pageInfo } = connection as Obj;
  if (!Array.isArray(nodes)) return err(pageError(`Linear ${operationName} returned no issues.nodes list`));
  if (typeof pageInfo !== "object" || pageInfo === null) {
    return err(pageError(`Linear ${operationName} returned no pageInfo`));
  }
  const { hasNextPage, endCursor } = pageInfo as Obj;
  if (typeof hasNextPage !== "boolean") {
    return err(pageError(`Linear ${operationName} returned pageInfo without hasNextPage`));
  }
  if (!hasNextPage) return ok({ nodes, endCursor: null });
  if (typeof endCursor !== "string" || endCursor === "") {
    return err(
      pageError(`Linear ${operationName} said hasNextPage but gave no endCursor`, "tracker_pagination"),
    );
  }
  return ok({ nodes, endCursor });
}
