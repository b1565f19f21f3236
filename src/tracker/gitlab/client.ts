import type { TrackerError } from "../../domain/errors.js";
import { err, ok, type Result } from "../../domain/result.js";
import type { Clock } from "../../util/clock.js";
import { RestApi } from "../rest/api.js";
import type { RestResponse } from "../rest/http.js";
import type { RestToolCall } from "../rest/tool.js";
import { replyOf } from "../rest-errors.js";
import type { GitlabTrackerSettings } from "./config.js";

// GitLab accepts at most 100 `iids[]` per list call.
const IID_BATCH = 100;

/** REST v4 client for one project's issues; the token only ever goes to the configured API origin. */
export class GitlabClient {
  readonly #settings: GitlabTrackerSettings;
  readonly #api: RestApi;

  constructor(settings: GitlabTrackerSettings, clock: Clock) {
    this.#settings = settings;
    this.#api = new RestApi({
      provider: "GitLab",
      apiUrl: settings.apiUrl,
      headers: { "PRIVATE-TOKEN": settings.apiKey, Accept: "application/json", "User-Agent": "symphony-ts" },
      timeoutMs: settings.timeoutMs,
      forbidden: { kind: "quota_or_auth", remainingHeader: "ratelimit-remaining" },
      resetHeader: "ratelimit-reset",
      rateHeaders: {
        limit: "ratelimit-limit",
        remaining: "ratelimit-remaining",
        observed: "ratelimit-observed",
        reset: "ratelimit-reset",
      },
      clock,
    });
  }

  /** `/projects/<url-encoded path>`, the prefix of every in-scope path. */
  get projectPath(): string {
    return `/projects/${encodeURIComponent(this.#settings.projectPath)}`;
  }

  /** Latest `RateLimit-*` figures seen on any response. */
  rateLimits(): Readonly<Record<string, number | string>> | null {
    return this.#api.rateLimits();
  }

  /** Every issue in `state`, oldest first, following `x-next-page`. */
  async listIssues(
    state: "opened" | "closed" | "all",
    signal: AbortSignal,
  ): Promise<Result<unknown[], TrackerError>> {
    const items: unknown[] = [];
    for (let page = 1; ; ) {
      if (page > this.#settings.maxPages) {
        return err(pagination(`stopped after ${this.#settings.maxPages} pages (provider.max_pages)`));
      }
      const url = this.#api.url(`${this.projectPath}/issues`);
      url.search = new URLSearchParams({
        state,
        order_by: "created_at",
        sort: "asc",
        per_page: String(this.#settings.pageSize),
        page: String(page),
      }).toString();
      const response = await this.#api.request("GET", url, signal);
      if (!response.ok) return response;
      const body = response.value.json;
      if (!Array.isArray(body))
        return err(shape(`issue list page ${page} is not a JSON array`, response.value.status));
      items.push(...body);
      const next = response.value.headers.get("x-next-page");
      if (next === null) {
        // no pagination headers at all: a short page is the last one
        if (body.length < this.#settings.pageSize) break;
        page += 1;
        continue;
      }
      if (next.trim() === "") break;
      const nextPage = Number(next);
      if (!Number.isInteger(nextPage) || nextPage !== page + 1) {
        return err(pagination(`x-next-page ${JSON.stringify(next)} does not follow page ${page}`));
      }
      page = nextPage;
    }
    return ok(items);
  }

  /** The issues with these iids that are still visible (any state), in no particular order. */
  async issuesByIids(iids: readonly number[], signal: AbortSignal): Promise<Result<unknown[], TrackerError>> {
    const out: unknown[] = [];
    for (let i = 0; i < iids.length; i += IID_BATCH) {
      const batch = iids.slice(i, i + IID_BATCH);
      const query = new URLSearchParams({ state: "all", per_page: "100" });
      for (const iid of batch) query.append("iids[]", String(iid));
      const url = this.#api.url(`${this.projectPath}/issues`);
      url.search = query.toString();
      const response = await this.#api.request("GET", url, signal);
      if (!response.ok) return response;
      const body = response.value.json;
      if (!Array.isArray(body)) return err(shape("issue refresh is not a JSON array", response.value.status));
      out.push(...body);
    }
    return ok(out);
  }

  /** Posts a note (comment) on an issue with the configured token. */
  async postNote(iid: number, body: string, signal: AbortSignal): Promise<Result<void, TrackerError>> {
    const url = this.#api.url(`${this.projectPath}/issues/${iid}/notes`);
    const response = await this.#api.send("POST", url, { body }, signal);
    if (!response.ok) return response;
    if (response.value.status < 200 || response.value.status >= 300) {
      return err(this.#api.statusError(replyOf(response.value)));
    }
    return ok(undefined);
  }

  /** Every note on an issue, oldest first, as raw JSON objects (follows `x-next-page`). */
  async listNotes(iid: number, signal: AbortSignal): Promise<Result<unknown[], TrackerError>> {
    const out: unknown[] = [];
    let page: string | null = "1";
    for (let pages = 0; page !== null && page !== "" && pages < 50; pages += 1) {
      const url = this.#api.url(`${this.projectPath}/issues/${iid}/notes`);
      url.search = new URLSearchParams({
        sort: "asc",
        order_by: "created_at",
        per_page: "100",
        page,
      }).toString();
      const response = await this.#api.request("GET", url, signal);
      if (!response.ok) return response;
      const body = response.value.json;
      if (!Array.isArray(body))
        return err(shape(`notes of issue ${iid} are not a JSON array`, response.value.status));
      out.push(...body);
      page = response.value.headers.get("x-next-page");
    }
    return ok(out);
  }

  /** Aborts in-flight requests; later calls fail. */
  close(): void {
    this.#api.close();
  }

  /** Sends a validated `gitlab_api` call (any status is a response). */
  async sendToolCall(call: RestToolCall, signal: AbortSignal): Promise<Result<RestResponse, TrackerError>> {
    return this.#api.sendToolCall(call, signal);
  }
}

function pagination(message: string): TrackerError {
  return { category: "tracker_pagination", message: `GitLab paging failed: ${message}`, retryable: true };
}

function shape(message: string, status: number): TrackerError {
  return {
    category: "tracker_response",
    message: `GitLab response malformed: ${message}`,
    retryable: true,
    status,
  };
}
