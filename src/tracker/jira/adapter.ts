import type { TrackerError } from "../../domain/errors.js";
import { type Issue, normaliseState } from "../../domain/issue.js";
import type { Logger } from "../../domain/logger.js";
import { err, ok, type Result } from "../../domain/result.js";
import type { Clock } from "../../util/clock.js";
import type { TrackerFactory } from "../factory.js";
import { paginate } from "../rest/paginate.js";
import { RestTracker } from "../rest/rest-tracker.js";
import { responseError } from "../rest-errors.js";
import { WarnOnce } from "../warn-once.js";
import { JiraClient } from "./client.js";
import type { JiraTrackerSettings } from "./config.js";
import { statesJql } from "./jql.js";
import { JIRA_FIELDS, type JiraNormaliseContext, normaliseJiraIssue } from "./normalise.js";
import { JIRA_REST_OPTIONS, JIRA_REST_TOOL } from "./tools.js";
import { verifyJiraWebhook } from "./webhook.js";

/** Stops a runaway cursor loop: 200 pages of 100 issues is far beyond any candidate list. */
export const JIRA_MAX_PAGES = 200;
/** `issue/bulkfetch` accepts at most 100 ids per call. */
export const JIRA_BULK_LIMIT = 100;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Jira Cloud (REST v3): candidates by JQL search, refresh by bulk fetch, tool `jira_rest`. */
export class JiraTracker extends RestTracker {
  readonly #settings: JiraTrackerSettings;
  readonly #client: JiraClient;
  readonly #context: JiraNormaliseContext;
  readonly #malformed: WarnOnce;

  constructor(
    settings: JiraTrackerSettings,
    terminalStates: readonly string[],
    logger: Logger,
    clock: Clock,
  ) {
    const client = new JiraClient(settings, clock);
    super({
      kind: "jira",
      tool: {
        spec: JIRA_REST_TOOL,
        options: JIRA_REST_OPTIONS,
        send: (call, signal) => client.sendCall(call, signal),
      },
      secretEnvNames: settings.secretEnvNames,
      client,
      verifyWebhook: verifyJiraWebhook,
    });
    this.#settings = settings;
    this.#client = client;
    this.#context = {
      baseUrl: settings.baseUrl,
      projectKey: settings.projectKey,
      terminalStates: new Set(terminalStates.map(normaliseState)),
    };
    this.#malformed = new WarnOnce(logger);
  }

  async fetchIssuesByStates(
    states: readonly string[],
    signal: AbortSignal,
  ): Promise<Result<Issue[], TrackerError>> {
    const names = [...new Set(states.map((s) => s.trim()).filter((s) => s !== ""))];
    if (names.length === 0) return ok([]);
    const jql = statesJql(this.#settings.projectKey, names);
    const wanted = new Set(names.map(normaliseState));
    const out: Issue[] = [];
    const seen = new Set<string>();
    const paged = await paginate<string | undefined>(
      { provider: "Jira", what: "search/jql", maxPages: JIRA_MAX_PAGES, first: undefined },
      async (token) => {
        const reply = await this.#client.searchJql(
          {
            jql,
            fields: JIRA_FIELDS,
            maxResults: this.#settings.pageSize,
            ...(token === undefined ? {} : { nextPageToken: token }),
          },
          signal,
        );
        if (!reply.ok) return reply;
        const body = reply.value as Obj;
        if (!Array.isArray(body.issues))
          return err(responseError("Jira", "search/jql", "`issues` is not a list"));
        for (const raw of body.issues) {
          const record = normaliseJiraIssue(raw, this.#context);
          if (record.kind === "malformed") this.#reportMalformed(record.id, record.reason);
          // an issue edited between page requests can come back on a later page: keep the first
          else if (
            record.kind === "issue" &&
            wanted.has(normaliseState(record.issue.state)) &&
            !seen.has(record.issue.id)
          ) {
            seen.add(record.issue.id);
            out.push(record.issue);
          }
        }
        const next = body.nextPageToken;
        const hasToken = typeof next === "string" && next !== "";
        // `isLast: true` ends the loop; without `isLast`, a missing token does too.
        if (body.isLast === true || (body.isLast !== false && !hasToken)) return ok({ kind: "last" });
        if (!hasToken)
          return ok({ kind: "invalid", problem: "isLast is false but nextPageToken is missing" });
        return ok({ kind: "next", cursor: next, key: next });
      },
    );
    return paged.ok ? ok(out) : paged;
  }

  async fetchIssuesByIds(
    ids: readonly string[],
    signal: AbortSignal,
  ): Promise<Result<Issue[], TrackerError>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return ok([]);
    const found = new Map<string, Issue>();
    for (let i = 0; i < unique.length; i += JIRA_BULK_LIMIT) {
      const chunk = unique.slice(i, i + JIRA_BULK_LIMIT);
      const reply = await this.#client.bulkFetch(chunk, JIRA_FIELDS, signal);
      if (!reply.ok) return reply;
      const body = reply.value as Obj;
      if (!Array.isArray(body.issues))
        return err(responseError("Jira", "issue/bulkfetch", "`issues` is not a list"));
      const failed = failedLookup(body.issueErrors);
      if (failed !== null) return err(failed);
      for (const raw of body.issues) {
        const record = normaliseJiraIssue(raw, this.#context);
        if (record.kind === "malformed") {
          return err(
            responseError(
              "Jira",
              "issue/bulkfetch",
              `issue ${record.id ?? "?"} is malformed: ${record.reason}`,
            ),
          );
        }
        if (record.kind === "issue") found.set(record.issue.id, record.issue);
      }
    }
    // Requested ids the response did not return are no longer visible (deleted, moved, no permission).
    const byKey = new Map([...found.values()].map((issue) => [issue.identifier.toUpperCase(), issue]));
    const out: Issue[] = [];
    const emitted = new Set<string>();
    for (const id of unique) {
      const issue = found.get(id) ?? byKey.get(id.toUpperCase());
      if (issue !== undefined && !emitted.has(issue.id)) {
        emitted.add(issue.id);
        out.push(issue);
      }
    }
    return ok(out);
  }

  #reportMalformed(id: string | null, reason: string): void {
    this.#malformed.warn(`${id ?? "?"}\u0000${reason}`, "skipping malformed jira issue", {
      issue_id: id,
      reason,
    });
  }
}

// `issueErrors` lists ids that could not be returned; only "not found / no permission" means invisible.
function failedLookup(issueErrors: unknown): TrackerError | null {
  if (!Array.isArray(issueErrors)) return null;
  for (const entry of issueErrors) {
    const status = isObj(entry) ? entry.status : undefined;
    if (typeof status === "number" && status !== 404 && status !== 403) {
      return {
        category: "tracker_status",
        message: `Jira issue/bulkfetch reported HTTP ${status} for a requested issue`,
        retryable: status >= 500 || status === 429,
        status,
      };
    }
  }
  return null;
}

/** Builds the Jira tracker from a parsed `tracker.provider`. */
export const createJiraTracker: TrackerFactory<"jira"> = (config, deps) =>
  new JiraTracker(
    config.tracker.provider,
    config.tracker.terminalStates,
    deps.logger.child({ tracker: "jira" }),
    deps.clock,
  );
