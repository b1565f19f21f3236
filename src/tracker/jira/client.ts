import type { TrackerError } from "../../domain/errors.js";
import { err, ok, type Result } from "../../domain/result.js";
import type { Clock } from "../../util/clock.js";
import { RestApi } from "../rest/api.js";
import type { RestResponse } from "../rest/http.js";
import type { RestToolCall } from "../rest/tool.js";
import { type ProviderReply, replyOf, responseError } from "../rest-errors.js";
import type { JiraTrackerSettings } from "./config.js";

/** Rate-limit headers Jira Cloud sends (dashboard key → header); kept for the dashboard. */
export const JIRA_RATE_LIMIT_HEADERS: Readonly<Record<string, string>> = {
  limit: "x-ratelimit-limit",
  remaining: "x-ratelimit-remaining",
  reset: "x-ratelimit-reset",
  nearLimit: "x-ratelimit-nearlimit",
  reason: "ratelimit-reason",
  retryAfter: "retry-after",
};

/** The body of one `POST /rest/api/3/search/jql` page request. */
export interface JqlSearchRequest {
  readonly jql: string;
  readonly fields: readonly string[];
  readonly maxResults: number;
  readonly nextPageToken?: string;
}

/**
 * HTTP to one Jira Cloud site with Basic auth, over the shared {@link RestApi} (credentials only to the
 * configured origin, timeouts on the injected clock, 429 cooldown). Returns 2xx JSON bodies or typed errors.
 */
export class JiraClient {
  readonly #api: RestApi;

  constructor(settings: JiraTrackerSettings, clock: Clock) {
    this.#api = new RestApi({
      provider: "Jira",
      apiUrl: settings.baseUrl,
      headers: {
        Accept: "application/json",
        Authorization: `Basic ${Buffer.from(`${settings.email}:${settings.apiToken}`).toString("base64")}`,
      },
      timeoutMs: settings.timeoutMs,
      // Jira signals limits with 429 only; a 403 is a permission problem
      forbidden: { kind: "auth" },
      resetHeader: "x-ratelimit-reset",
      rateHeaders: JIRA_RATE_LIMIT_HEADERS,
      clock,
    });
  }

  /** One page of an enhanced JQL search. */
  searchJql(request: JqlSearchRequest, signal: AbortSignal): Promise<Result<unknown, TrackerError>> {
    return this.#json("/rest/api/3/search/jql", request, "search/jql", signal);
  }

  /** Up to 100 issues by id or key (`issueErrors` lists the ones not visible). */
  bulkFetch(
    ids: readonly string[],
    fields: readonly string[],
    signal: AbortSignal,
  ): Promise<Result<unknown, TrackerError>> {
    return this.#json(
      "/rest/api/3/issue/bulkfetch",
      { issueIdsOrKeys: ids, fields },
      "issue/bulkfetch",
      signal,
    );
  }

  /** Sends one validated tool call with the configured auth; any HTTP status comes back as a response. */
  sendCall(call: RestToolCall, signal: AbortSignal): Promise<Result<RestResponse, TrackerError>> {
    return this.#api.sendToolCall(call, signal);
  }

  /** The latest rate-limit headers seen, or null. */
  rateLimits(): Readonly<Record<string, unknown>> | null {
    return this.#api.rateLimits();
  }

  /** Aborts in-flight requests; later calls fail with `tracker_request`. */
  close(): void {
    this.#api.close();
  }

  async #json(
    path: string,
    body: unknown,
    what: string,
    signal: AbortSignal,
  ): Promise<Result<unknown, TrackerError>> {
    const sent = await this.#raw("POST", path, [], body, signal);
    if (!sent.ok) return sent;
    const reply = sent.value;
    if (reply.status < 200 || reply.status >= 300) {
      return err(this.#api.statusError(reply, what));
    }
    if (!reply.json || typeof reply.body !== "object" || reply.body === null) {
      return err(responseError("Jira", what, "the response body is not a JSON object"));
    }
    return ok(reply.body);
  }

  async #raw(
    method: string,
    path: string,
    query: ReadonlyArray<readonly [string, string]>,
    body: unknown,
    signal: AbortSignal,
  ): Promise<Result<ProviderReply, TrackerError>> {
    const url = this.#api.url(path);
    for (const [k, v] of query) url.searchParams.append(k, v);
    const sent = await this.#api.send(method, url, body, signal);
    return sent.ok ? ok(replyOf(sent.value)) : sent;
  }
}
