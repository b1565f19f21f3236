import type { TrackerError } from "../../domain/errors.js";
import { err, ok, type Result } from "../../domain/result.js";
import type { Clock } from "../../util/clock.js";
import { RestApi } from "../rest/api.js";
import type { RestResponse } from "../rest/http.js";
import { paginate } from "../rest/paginate.js";
import type { RestToolCall } from "../rest/tool.js";
import { replyOf } from "../rest-errors.js";
import type { GithubTrackerSettings } from "./config.js";

/** The `next` target of an RFC 8288 `Link` header, if any. */
export function nextLink(header: string | null): string | null {
  if (header === null) return null;
  for (const part of header.split(",")) {
    const match = /^<([^>]*)>(.*)$/.exec(part.trim());
    const rel = /;\s*rel="?([^";]*)"?/.exec(match?.[2] ?? "")?.[1] ?? "";
    if (match !== null && rel.split(/\s+/).includes("next")) return match[1] ?? null;
  }
  return null;
}

/** REST v3 client for one repository's issues; the token only ever goes to the configured API origin. */
export class GithubClient {
  readonly #settings: GithubTrackerSettings;
  readonly #api: RestApi;

  constructor(settings: GithubTrackerSettings, clock: Clock) {
    this.#settings = settings;
    this.#api = new RestApi({
      provider: "GitHub",
      apiUrl: settings.apiUrl,
      headers: {
        Accept: "application/vnd.github+json",
        Authorization: `Bearer ${settings.token}`,
        "X-GitHub-Api-Version": "2022-11-28",
        "User-Agent": "symphony-ts",
      },
      timeoutMs: settings.timeoutMs,
      // GitHub answers a spent quota with 403 + x-ratelimit-remaining: 0 (or Retry-After)
      forbidden: { kind: "quota_or_auth", remainingHeader: "x-ratelimit-remaining" },
      resetHeader: "x-ratelimit-reset",
      rateHeaders: {
        limit: "x-ratelimit-limit",
        remaining: "x-ratelimit-remaining",
        used: "x-ratelimit-used",
        reset: "x-ratelimit-reset",
        resource: "x-ratelimit-resource",
      },
      clock,
    });
  }

  /** `/repos/<owner>/<repo>`, the prefix of every in-scope path. */
  get repoPath(): string {
    return `/repos/${encodeURIComponent(this.#settings.owner)}/${encodeURIComponent(this.#settings.repo)}`;
  }

  /** Latest `x-ratelimit-*` figures seen on any response. */
  rateLimits(): Readonly<Record<string, number | string>> | null {
    return this.#api.rateLimits();
  }

  /** Every issue (and pull request) in `state`, oldest first, following `Link: rel="next"` pages. */
  async listIssues(
    state: "open" | "closed" | "all",
    signal: AbortSignal,
  ): Promise<Result<unknown[], TrackerError>> {
    const first = this.#api.url(`${this.repoPath}/issues`);
    first.search = new URLSearchParams({
      state,
      sort: "created",
      direction: "asc",
      per_page: String(this.#settings.pageSize),
    }).toString();
    const items: unknown[] = [];
    const paged = await paginate<URL>(
      {
        provider: "GitHub",
        what: "issue list",
        maxPages: this.#settings.maxPages,
        limitHint: "(provider.max_pages)",
        first,
        firstKey: first.href,
      },
      async (url, page) => {
        const response = await this.#api.request("GET", url, signal);
        if (!response.ok) return response;
        const body = response.value.json;
        if (!Array.isArray(body)) {
          return err(shape(`issue list page ${page} is not a JSON array`, response.value.status));
        }
        items.push(...body);
        const next = nextLink(response.value.headers.get("link"));
        if (next === null) return ok({ kind: "last" });
        let nextUrl: URL;
        try {
          nextUrl = new URL(next, first);
        } catch {
          return ok({ kind: "invalid", problem: `unparseable next link ${JSON.stringify(next)}` });
        }
        if (nextUrl.origin !== this.#api.origin || nextUrl.pathname !== first.pathname) {
          const where = `${nextUrl.origin}${nextUrl.pathname}`;
          return ok({ kind: "invalid", problem: `next link leaves the repository's issue list: ${where}` });
        }
        return ok({ kind: "next", cursor: nextUrl, key: nextUrl.href });
      },
    );
    return paged.ok ? ok(items) : paged;
  }

  /** One issue by number; null when it is gone, hidden or transferred out of the repository (404/410/301). */
  async getIssue(number: number, signal: AbortSignal): Promise<Result<unknown | null, TrackerError>> {
    const response = await this.#api.send(
      "GET",
      this.#api.url(`${this.repoPath}/issues/${number}`),
      undefined,
      signal,
    );
    if (!response.ok) return response;
    const { status, json } = response.value;
    // 301: transferred to another repository, which is outside the configured scope (the redirect is not followed)
    if (status === 404 || status === 410 || status === 301) return ok(null);
    if (status < 200 || status >= 300) return err(this.#api.statusError(replyOf(response.value)));
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      return err(shape(`issue ${number} is not a JSON object`, status));
    }
    return ok(json);
  }

  /** Posts a comment on an issue (or pull request) with the configured token. */
  async postComment(number: number, body: string, signal: AbortSignal): Promise<Result<void, TrackerError>> {
    const url = this.#api.url(`${this.repoPath}/issues/${number}/comments`);
    const response = await this.#api.send("POST", url, { body }, signal);
    if (!response.ok) return response;
    if (response.value.status < 200 || response.value.status >= 300) {
      return err(this.#api.statusError(replyOf(response.value)));
    }
    return ok(undefined);
  }

  /** Every comment on an issue, oldest first, as raw JSON objects (follows `Link: rel="next"`). */
  async listComments(number: number, signal: AbortSignal): Promise<Result<unknown[], TrackerError>> {
    const out: unknown[] = [];
    let url: URL | null = this.#api.url(`${this.repoPath}/issues/${number}/comments`);
    url.searchParams.set("per_page", "100");
    for (let pages = 0; url !== null && pages < 50; pages += 1) {
      const response = await this.#api.send("GET", url, undefined, signal);
      if (!response.ok) return response;
      const { status, json, headers } = response.value;
      if (status < 200 || status >= 300) return err(this.#api.statusError(replyOf(response.value)));
      if (!Array.isArray(json)) return err(shape(`comments of issue ${number} are not a JSON array`, status));
      out.push(...json);
      const next = nextLink(headers.get("link"));
      const nextUrl: URL | null = next === null ? null : new URL(next);
      // the token never follows a link to another origin
      url = nextUrl !== null && nextUrl.origin === this.#api.origin ? nextUrl : null;
    }
    return ok(out);
  }

  /** Aborts in-flight requests; later calls fail. */
  close(): void {
    this.#api.close();
  }

  /** Sends a validated `github_api` call (any status is a response). */
  async sendToolCall(call: RestToolCall, signal: AbortSignal): Promise<Result<RestResponse, TrackerError>> {
    return this.#api.sendToolCall(call, signal);
  }
}

function shape(message: string, status: number): TrackerError {
  return {
    category: "tracker_response",
    message: `GitHub response malformed: ${message}`,
    retryable: true,
    status,
  };
}
