import type { TrackerError } from "../../domain/errors.js";
import { err, type Result } from "../../domain/result.js";
import type { Clock } from "../../util/clock.js";
import { replyOf } from "../rest-errors.js";
import { type RestResponse, readRateLimitHeaders, sendRest } from "./http.js";
import { type ForbiddenRule, type StatusReply, statusError } from "./status-error.js";
import type { RestToolCall } from "./tool.js";

/** One provider's REST endpoint: base URL, auth headers and how it reports rate limits. */
export interface RestApiOptions {
  readonly provider: string;
  /** Base URL without a trailing `/`; every request stays on its origin. */
  readonly apiUrl: string;
  /** Headers sent on every request, auth included (never logged). */
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** What a 403 means for this provider (see {@link ForbiddenRule}). */
  readonly forbidden: ForbiddenRule;
  /** Header with the reset time, read when `Retry-After` is absent. */
  readonly resetHeader?: string;
  /** Dashboard key → response header, e.g. `remaining` → `x-ratelimit-remaining`. */
  readonly rateHeaders: Readonly<Record<string, string>>;
  readonly clock: Clock;
}

/** Authenticated REST calls confined to one API origin, remembering the latest rate-limit headers. */
export class RestApi {
  readonly #options: RestApiOptions;
  readonly #origin: string;
  #rateLimits: Record<string, number | string> | null = null;
  readonly #closing = new AbortController();
  /** Epoch ms before which requests are refused locally after the provider said to wait. */
  #cooldownUntil = 0;

  constructor(options: RestApiOptions) {
    this.#options = options;
    this.#origin = new URL(options.apiUrl).origin;
  }

  /** The origin credentials may go to. */
  get origin(): string {
    return this.#origin;
  }

  /** Latest rate-limit figures seen on any response, or null. */
  rateLimits(): Readonly<Record<string, number | string>> | null {
    return this.#rateLimits;
  }

  /** `apiUrl + pathname` as a URL (pathname starts with `/`). */
  url(pathname: string): URL {
    return new URL(`${this.#options.apiUrl}${pathname}`);
  }

  /** Sends a request; any HTTP status is a response, transport failures are `tracker_request`. */
  async send(
    method: string,
    url: URL,
    body: unknown,
    signal: AbortSignal,
  ): Promise<Result<RestResponse, TrackerError>> {
    // invariant: the token only ever goes to the configured API origin
    if (url.origin !== this.#origin) throw new Error(`refusing to send credentials to ${url.origin}`);
    const now = this.#options.clock.now();
    if (now < this.#cooldownUntil) {
      return err({
        category: "tracker_rate_limited",
        message: `${this.#options.provider} rate limit: waiting until ${new Date(this.#cooldownUntil).toISOString()}`,
        retryable: true,
        retryAfterMs: this.#cooldownUntil - now,
      });
    }
    const response = await sendRest(
      {
        method,
        url,
        headers: this.#options.headers,
        signal,
        closeSignal: this.#closing.signal,
        timeoutMs: this.#options.timeoutMs,
        clock: this.#options.clock,
        ...(body === undefined ? {} : { body }),
      },
      this.#options.provider,
    );
    if (response.ok) {
      const limits = readRateLimitHeaders(response.value.headers, this.#options.rateHeaders);
      if (limits !== null) this.#rateLimits = limits;
      const { status } = response.value;
      if (status === 429 || status === 403) {
        const error = this.statusError(replyOf(response.value));
        // the provider asked us to wait: later calls fail fast until then instead of hammering it
        if (error.category === "tracker_rate_limited" && error.retryAfterMs !== undefined) {
          this.#cooldownUntil = Math.max(this.#cooldownUntil, this.#options.clock.now() + error.retryAfterMs);
        }
      }
    }
    return response;
  }

  /** Like {@link send}, but a non-2xx status is a typed error. */
  async request(method: string, url: URL, signal: AbortSignal): Promise<Result<RestResponse, TrackerError>> {
    const response = await this.send(method, url, undefined, signal);
    if (!response.ok) return response;
    const { status } = response.value;
    if (status < 200 || status >= 300) return err(this.statusError(replyOf(response.value)));
    return response;
  }

  /** Sends one validated agent tool call with the configured auth; any HTTP status comes back as a response. */
  sendToolCall(call: RestToolCall, signal: AbortSignal): Promise<Result<RestResponse, TrackerError>> {
    const url = this.url(call.pathname);
    url.search = call.query.toString();
    return this.send(call.method, url, call.body, signal);
  }

  /** Aborts in-flight requests; later calls fail with `tracker_request`. */
  close(): void {
    this.#closing.abort();
  }

  /** Maps a non-2xx reply to its typed error with this provider's rules; `what` names the call. */
  statusError(reply: StatusReply, what?: string): TrackerError {
    const { provider, forbidden, resetHeader } = this.#options;
    const options = { provider, forbidden, ...(resetHeader === undefined ? {} : { resetHeader }) };
    return statusError(reply, options, this.#options.clock.now(), what);
  }
}
