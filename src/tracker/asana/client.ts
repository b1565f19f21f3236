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

/** Rate-limit related headers Asana sends; kept for the dashboard. */
export const ASANA_RATE_LIMIT_HEADERS = ["retry-after", "x-asana-request-cost"] as const;

/** A 2xx Asana reply: the envelope's `data` and `next_page`, or a 404. */
export type AsanaRead =
  | { readonly kind: "found"; readonly body: Readonly<Record<string, unknown>> }
  | { readonly kind: "not_found" };

/**
 * HTTP to the Asana API with a bearer token, sent only to the configured endpoint. Returns 2xx JSON
 * envelopes or typed errors, and remembers the latest rate-limit headers.
 */
export class AsanaClient {
  readonly #settings: AsanaTrackerSettings;
  readonly #clock: Clock;
  readonly #cooldown: RateLimitCooldown;
  #rateLimits: Record<string, string> | null = null;

  constructor(settings: AsanaTrackerSettings, clock: Clock) {
    this.#settings = settings;
    this.#clock = clock;
    this.#cooldown = new RateLimitCooldown(clock);
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

  /** A raw call for the `asana_api` tool: any status comes back as a reply. */
  async raw(
    method: RestToolMethod,
    path: string,
    query: ReadonlyArray<readonly [string, string]>,
    body: unknown,
    signal: AbortSignal,
  ): Promise<Result<JsonReply, TrackerError>> {
    const url = new URL(`${this.#settings.endpoint}${path}`);
    for (const [k, v] of query) url.searchParams.append(k, v);
    const reply = await sendJson(
      {
        url: url.href,
        method,
        headers: { authorization: `Bearer ${this.#settings.apiKey}` },
        ...(body === undefined ? {} : { body }),
        timeoutMs: this.#settings.timeoutMs,
        signal,
      },
      "Asana",
    );
    // Asana sends these only when throttling, so every reply replaces the last figures (null clears).
    if (reply.ok) this.#rateLimits = pickHeaders(reply.value.headers, ASANA_RATE_LIMIT_HEADERS);
    return reply;
  }

  /** The latest rate-limit headers seen, plus `limitedUntil` (epoch ms) during a 429 cooldown; or null. */
  rateLimits(): Readonly<Record<string, unknown>> | null {
    const until = this.#cooldown.until();
    if (until === null) return this.#rateLimits;
    return { ...this.#rateLimits, limitedUntil: until };
  }

  async #read(
    path: string,
    query: ReadonlyArray<readonly [string, string]>,
    what: string,
    signal: AbortSignal,
  ): Promise<Result<AsanaRead, TrackerError>> {
    const cooling = this.#cooldown.check("Asana", what);
    if (cooling !== null) return err(cooling);
    const sent = await this.raw("GET", path, query, undefined, signal);
    if (!sent.ok) return sent;
    const reply = sent.value;
    if (reply.status === 404) return ok({ kind: "not_found" });
    if (reply.status < 200 || reply.status >= 300) {
      const error = statusError(reply, "Asana", what, this.#clock.now());
      this.#cooldown.note(error);
      return err(error);
    }
    if (!reply.json || typeof reply.body !== "object" || reply.body === null || Array.isArray(reply.body)) {
      return err(responseError("Asana", what, "the response body is not a JSON object"));
    }
    return ok({ kind: "found", body: reply.body as Record<string, unknown> });
  }
}
