import type { TrackerError } from "../../domain/errors.js";
import { err, ok, type Result } from "../../domain/result.js";
import type { Clock } from "../../util/clock.js";
import {
  type JsonReply,
  pickHeaders,
  RateLimitCooldown,
  responseError,
  sendJson,
  statusError,
} from "../http-json.js";
import type { RestToolMethod } from "../rest-tool.js";
import type { JiraTrackerSettings } from "./config.js";

/** Rate-limit headers Jira Cloud sends; kept for the dashboard. */
export const JIRA_RATE_LIMIT_HEADERS = [
  "x-ratelimit-limit",
  "x-ratelimit-remaining",
  "x-ratelimit-reset",
  "x-ratelimit-nearlimit",
  "ratelimit-reason",
  "retry-after",
] as const;

/** The body of one `POST /rest/api/3/search/jql` page request. */
export interface JqlSearchRequest {
  readonly jql: string;
  readonly fields: readonly string[];
  readonly maxResults: number;
  readonly nextPageToken?: string;
}

/**
 * HTTP to one Jira Cloud site with Basic auth. Sends the credential only to the configured
 * `base_url`; returns 2xx JSON bodies or typed errors, and remembers the latest rate-limit headers.
 */
export class JiraClient {
  readonly #settings: JiraTrackerSettings;
  readonly #clock: Clock;
  readonly #auth: string;
  readonly #cooldown: RateLimitCooldown;
  #rateLimits: Record<string, string> | null = null;

  constructor(settings: JiraTrackerSettings, clock: Clock) {
    this.#settings = settings;
    this.#clock = clock;
    this.#cooldown = new RateLimitCooldown(clock);
    this.#auth = `Basic ${Buffer.from(`${settings.email}:${settings.apiToken}`).toString("base64")}`;
  }

  /** One page of an enhanced JQL search. */
  searchJql(request: JqlSearchRequest, signal: AbortSignal): Promise<Result<unknown, TrackerError>> {
    return this.#json("POST", "/rest/api/3/search/jql", request, "search/jql", signal);
  }

  /** Up to 100 issues by id or key (`issueErrors` lists the ones not visible). */
  bulkFetch(
    ids: readonly string[],
    fields: readonly string[],
    signal: AbortSignal,
  ): Promise<Result<unknown, TrackerError>> {
    return this.#json(
      "POST",
      "/rest/api/3/issue/bulkfetch",
      { issueIdsOrKeys: ids, fields },
      "issue/bulkfetch",
      signal,
    );
  }

  /** A raw call for the `jira_rest` tool: any status comes back as a reply. */
  async raw(
    method: RestToolMethod,
    path: string,
    query: ReadonlyArray<readonly [string, string]>,
    body: unknown,
    signal: AbortSignal,
  ): Promise<Result<JsonReply, TrackerError>> {
    const url = new URL(`${this.#settings.baseUrl}${path}`);
    for (const [k, v] of query) url.searchParams.append(k, v);
    const reply = await sendJson(
      {
        url: url.href,
        method,
        headers: { authorization: this.#auth },
        ...(body === undefined ? {} : { body }),
        timeoutMs: this.#settings.timeoutMs,
        signal,
      },
      "Jira",
    );
    if (reply.ok) this.#remember(reply.value.headers);
    return reply;
  }

  /** The latest rate-limit headers seen, plus `limitedUntil` (epoch ms) during a 429 cooldown; or null. */
  rateLimits(): Readonly<Record<string, unknown>> | null {
    const until = this.#cooldown.until();
    if (until === null) return this.#rateLimits;
    return { ...this.#rateLimits, limitedUntil: until };
  }

  async #json(
    method: "POST",
    path: string,
    body: unknown,
    what: string,
    signal: AbortSignal,
  ): Promise<Result<unknown, TrackerError>> {
    const cooling = this.#cooldown.check("Jira", what);
    if (cooling !== null) return err(cooling);
    const sent = await this.raw(method, path, [], body, signal);
    if (!sent.ok) return sent;
    const reply = sent.value;
    if (reply.status < 200 || reply.status >= 300) {
      const error = statusError(reply, "Jira", what, this.#clock.now(), "x-ratelimit-reset");
      this.#cooldown.note(error);
      return err(error);
    }
    if (!reply.json || typeof reply.body !== "object" || reply.body === null) {
      return err(responseError("Jira", what, "the response body is not a JSON object"));
    }
    return ok(reply.body);
  }

  #remember(headers: Headers): void {
    const picked = pickHeaders(headers, JIRA_RATE_LIMIT_HEADERS);
    if (picked !== null) this.#rateLimits = picked;
  }
}
