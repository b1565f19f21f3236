import type { TrackerError } from "../../domain/errors.js";
import { err, ok, type Result } from "../../domain/result.js";
import type { Clock } from "../../util/clock.js";
import { RestApi } from "../rest/api.js";
import type { RestResponse } from "../rest/http.js";
import type { RestToolCall } from "../rest/tool.js";
import { type ProviderReply, replyOf, responseError } from "../rest-errors.js";
import type { AsanaTrackerSettings } from "./config.js";
/** Task fields requested on every read. */
export const ASANA_TASK_FIELDS = [
  "gid",
  "name",
  "notes",
  "completed",
  "resource_subtype",
  "assignee.gid",
  "tags.name",
  "memberships.project.gid",
  "memberships.section.gid",
  "memberships.section.name",
  "permalink_url",
  "created_at",
  "modified_at",
].join(",");

/** Rate-limit related headers Asana sends (dashboard key → header); kept for the dashboard. */
export const ASANA_RATE_LIMIT_HEADERS: Readonly<Record<string, string>> = {
  retryAfter: "retry-after",
  requestCost: "x-asana-request-cost",
};

/** A 2xx Asana reply: the envelope's `data` and `next_page`, or a 404. */
export type AsanaRead =
  | { readonly kind: "found"; readonly body: Readonly<Record<string, unknown>> }
  | { readonly kind: "not_found" };

/**
 * HTTP to the Asana API with a bearer token, over the shared {@link RestApi} (token only to the
 * configured origin, timeouts on the injected clock, 429 cooldown). Returns 2xx envelopes or typed errors.
 */
export class AsanaClient {
  readonly #settings: AsanaTrackerSettings;
  readonly #api: RestApi;

  constructor(settings: AsanaTrackerSettings, clock: Clock) {
    this.#settings = settings;
    this.#api = new RestApi({
      provider: "Asana",
      apiUrl: settings.endpoint,
      headers: { Accept: "application/json", Authorization: `Bearer ${settings.apiKey}` },
      timeoutMs: settings.timeoutMs,
      // Asana signals limits with 429 (+ Retry-After) only; a 403 is a permission problem
      forbidden: { kind: "auth" },
      rateHeaders: ASANA_RATE_LIMIT_HEADERS,
      clock,
    });
  }

  /** One page of the project's tasks (`offset` from the previous page's `next_page`). */
  async projectTasks(offset: string | null, signal: AbortSignal): Promise<Result<AsanaRead, TrackerError>> {
    const query: Array<[string, string]> = [
      ["limit", String(this.#settings.pageSize)],
      ["opt_fields", ASANA_TASK_FIELDS],
    ];
    if (offset !== null) query.push(["offset", offset]);
    const path = `/projects/${encodeURIComponent(this.#settings.projectGid)}/tasks`;
    return this.#read(path, query, "project tasks", signal);
  }

  /** One task by gid; a 404 is `not_found`. */
  task(gid: string, signal: AbortSignal): Promise<Result<AsanaRead, TrackerError>> {
    return this.#read(
      `/tasks/${encodeURIComponent(gid)}`,
      [["opt_fields", ASANA_TASK_FIELDS]],
      "task",
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

  async #read(
    path: string,
    query: ReadonlyArray<readonly [string, string]>,
    what: string,
    signal: AbortSignal,
  ): Promise<Result<AsanaRead, TrackerError>> {
    const sent = await this.#raw("GET", path, query, undefined, signal);
    if (!sent.ok) return sent;
    const reply = sent.value;
    if (reply.status === 404) return ok({ kind: "not_found" });
    if (reply.status < 200 || reply.status >= 300) return err(this.#api.statusError(reply, what));
    if (!reply.json || typeof reply.body !== "object" || reply.body === null || Array.isArray(reply.body)) {
      return err(responseError("Asana", what, "the response body is not a JSON object"));
    }
    return ok({ kind: "found", body: reply.body as Record<string, unknown> });
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
