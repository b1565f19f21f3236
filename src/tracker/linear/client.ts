import type { TrackerError } from "../../domain/errors.js";
import { messageOf } from "../../domain/errors.js";
import type { Logger } from "../../domain/logger.js";
import { err, ok, type Result } from "../../domain/result.js";
import type { Clock } from "../../util/clock.js";
import { parseRetryAfter } from "../rest/retry-after.js";
import type { LinearTrackerSettings } from "./config.js";
import { exhaustedUntil, type LinearRateLimits, readRateLimitHeaders } from "./rate-limit.js";

/** A JSON reply from Linear, whatever its GraphQL outcome. */
export interface GraphqlReply {
  readonly status: number;
  /** The parsed JSON body (`{data?, errors?}` when Linear behaves). */
  readonly body: unknown;
}

/** What the client needs besides its settings. */
export interface LinearClientDeps {
  readonly clock: Clock;
  readonly logger: Logger;
}

/** Wait used when Linear says "rate limited" without saying for how long. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;
/** How much of an unexpected body goes into logs and error messages. */
const BODY_EXCERPT_BYTES = 1_000;

/** Upper bound on one excerpt of a response body, for logs and messages. */
function excerpt(text: string): string {
  return text.length > BODY_EXCERPT_BYTES ? `${text.slice(0, BODY_EXCERPT_BYTES)}…` : text;
}

/** The `errors` array of a GraphQL body, or an empty list. */
export function graphqlErrors(body: unknown): readonly Record<string, unknown>[] {
  if (typeof body !== "object" || body === null) return [];
  const errors = (body as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return [];
  return errors.filter((e): e is Record<string, unknown> => typeof e === "object" && e !== null);
}

/** `extensions.code` of a GraphQL error, upper-cased, if it has one. */
function errorCode(error: Record<string, unknown>): string | null {
  const ext = error.extensions;
  if (typeof ext !== "object" || ext === null) return null;
  const code = (ext as { code?: unknown }).code;
  return typeof code === "string" ? code.toUpperCase() : null;
}

/** One line summarising GraphQL errors for messages. */
export function summariseErrors(errors: readonly Record<string, unknown>[]): string {
  return errors
    .slice(0, 3)
    .map((e) => (typeof e.message === "string" ? e.message : JSON.stringify(e)))
    .join("; ");
}

/**
 * GraphQL over `fetch` to the configured Linear endpoint. The API key goes only into the
 * `Authorization` header of requests to that endpoint (redirects are refused, never followed).
 * Every request is bounded by `timeoutMs` on the injected clock, the caller's signal and `close()`.
 * A 429 or a RATELIMITED error starts a cooldown during which requests fail without reaching Linear.
 */
export class LinearClient {
  readonly #settings: LinearTrackerSettings;
  readonly #clock: Clock;
  readonly #logger: Logger;
  #closed = false;
  /** Aborts every in-flight request (close()). */
  readonly #inFlight = new Set<() => void>();
  // The latest response headers that carried rate-limit figures; parsed only when someone asks
  // (dashboards, a 429), because reading seven headers per page is measurable on a 200-page poll.
  #limitHeaders: { readonly headers: Headers; readonly at: number } | null = null;
  #parsedLimits: LinearRateLimits | null = null;
  #cooldownUntil = 0;

  constructor(settings: LinearTrackerSettings, deps: LinearClientDeps) {
    this.#settings = settings;
    this.#clock = deps.clock;
    this.#logger = deps.logger;
  }

  /** Latest rate-limit figures, with the cooldown deadline when one is active. */
  rateLimits(): Readonly<Record<string, unknown>> | null {
    const now = this.#clock.now();
    const cooling = this.#cooldownUntil > now ? { limitedUntil: this.#cooldownUntil } : {};
    const limits = this.#limits();
    if (limits === null) return Object.keys(cooling).length > 0 ? cooling : null;
    return { ...limits, ...cooling };
  }

  /** Aborts in-flight requests; later calls fail with `tracker_request`. */
  close(): void {
    this.#closed = true;
    for (const abort of this.#inFlight) abort();
  }

  /**
   * Posts one document. Any JSON reply is a value (the tool shows it to the agent as is);
   * transport failures, timeouts, 401/403, rate limiting and non-JSON bodies are errors.
   */
  async post(
    query: string,
    variables: Readonly<Record<string, unknown>> | null,
    operationName: string | null,
    signal: AbortSignal,
  ): Promise<Result<GraphqlReply, TrackerError>> {
    const now = this.#clock.now();
    if (this.#closed) return err(requestError("Linear client is closed", false));
    if (signal.aborted) return err(requestError("Linear request aborted by the caller", false));
    if (now < this.#cooldownUntil) {
      return err({
        category: "tracker_rate_limited",
        message: `Linear rate limit: waiting until ${new Date(this.#cooldownUntil).toISOString()} before the next request`,
        retryable: true,
        retryAfterMs: this.#cooldownUntil - now,
      });
    }

    // One controller per request, aborted by the caller, the timeout or close(). (One plain listener
    // rather than AbortSignal.any: on Node 20 every `any` over a long-lived signal stays referenced.)
    const request = new AbortController();
    const stopped: { reason: "timeout" | "caller" | "closed" | null } = { reason: null };
    const abort = (why: "timeout" | "caller" | "closed") => () => {
      stopped.reason ??= why;
      request.abort();
    };
    const onCaller = abort("caller");
    const onClosed = abort("closed");
    signal.addEventListener("abort", onCaller);
    this.#inFlight.add(onClosed);
    const timer = this.#clock.setTimer(this.#settings.timeoutMs, abort("timeout"));
    const body = JSON.stringify(
      operationName === null ? { query, variables: variables ?? {} } : { query, variables, operationName },
    );
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.#settings.endpoint, {
        method: "POST",
        headers: {
          Authorization: this.#settings.apiKey,
          "Content-Type": "application/json",
          Accept: "application/json",
        },
        body,
        redirect: "manual",
        signal: request.signal,
      });
      text = await response.text();
    } catch (cause) {
      switch (stopped.reason) {
        case "timeout":
          return err(
            requestError(`Linear request timed out after ${this.#settings.timeoutMs} ms`, true, cause),
          );
        case "closed":
          return err(requestError("Linear client is closed", false, cause));
        case "caller":
          return err(requestError("Linear request aborted by the caller", false, cause));
        default:
          return err(requestError(`Linear request failed: ${transportMessage(cause)}`, true, cause));
      }
    } finally {
      this.#clock.clearTimer(timer);
      signal.removeEventListener("abort", onCaller);
      this.#inFlight.delete(onClosed);
    }
    return this.#interpret(response, text, operationName);
  }

  /**
   * Runs one adapter read and returns its `data` object; a non-2xx status, any GraphQL error or a
   * body without `data` is a typed error.
   */
  async read(
    operationName: string,
    query: string,
    variables: Readonly<Record<string, unknown>>,
    signal: AbortSignal,
  ): Promise<Result<Readonly<Record<string, unknown>>, TrackerError>> {
    const posted = await this.post(query, variables, operationName, signal);
    if (!posted.ok) return posted;
    const { status, body } = posted.value;
    const errors = graphqlErrors(body);
    if (status < 200 || status >= 300) {
      const detail = errors.length > 0 ? `: ${summariseErrors(errors)}` : "";
      return err({
        category: "tracker_status",
        message: `Linear ${operationName} returned HTTP ${status}${detail}`,
        retryable: status >= 500,
        status,
      });
    }
    if (errors.length > 0) {
      const auth = errors.some((e) => ["AUTHENTICATION_ERROR", "FORBIDDEN"].includes(errorCode(e) ?? ""));
      return err({
        category: auth ? "tracker_auth" : "tracker_response",
        message: `Linear ${operationName} returned GraphQL errors: ${summariseErrors(errors)}`,
        retryable: false,
        status,
        cause: errors,
      });
    }
    const data = typeof body === "object" && body !== null ? (body as { data?: unknown }).data : undefined;
    if (typeof data !== "object" || data === null) {
      return err({
        category: "tracker_response",
        message: `Linear ${operationName} returned no data object`,
        retryable: false,
        status,
      });
    }
    return ok(data as Readonly<Record<string, unknown>>);
  }

  /** Keeps rate-limit headers; a bucket at zero starts a wait until its reset instead of spending requests. */
  #recordLimits(headers: Headers, now: number): void {
    const requests = headers.get("x-ratelimit-requests-remaining");
    const complexity = headers.get("x-ratelimit-complexity-remaining");
    if (requests === null && complexity === null && headers.get("x-complexity") === null) return;
    this.#limitHeaders = { headers, at: now };
    this.#parsedLimits = null;
    const empty = (value: string | null) => value !== null && value.trim() !== "" && Number(value) <= 0;
    if (!empty(requests) && !empty(complexity)) return;
    const exhausted = exhaustedUntil(this.#limits(), now);
    if (exhausted !== undefined) this.#cooldownUntil = Math.max(this.#cooldownUntil, exhausted);
  }

  #limits(): LinearRateLimits | null {
    if (this.#parsedLimits === null && this.#limitHeaders !== null) {
      this.#parsedLimits = readRateLimitHeaders(this.#limitHeaders.headers, this.#limitHeaders.at);
    }
    return this.#parsedLimits;
  }

  #interpret(
    response: Response,
    text: string,
    operationName: string | null,
  ): Result<GraphqlReply, TrackerError> {
    const now = this.#clock.now();
    const status = response.status;
    this.#recordLimits(response.headers, now);
    let body: unknown;
    let parsed = true;
    try {
      body = JSON.parse(text);
    } catch {
      parsed = false;
    }
    const fields = { operation: operationName ?? "linear_graphql", status };
    if (status < 200 || status >= 300)
      this.#logger.warn("linear request failed", { ...fields, body: excerpt(text) });

    const rateLimited = status === 429 || graphqlErrors(body).some((e) => errorCode(e) === "RATELIMITED");
    if (rateLimited) {
      const waitMs =
        parseRetryAfter(response.headers.get("retry-after"), now) ??
        (exhaustedUntil(this.#limits(), now) ?? now + DEFAULT_RATE_LIMIT_WAIT_MS) - now;
      this.#cooldownUntil = Math.max(this.#cooldownUntil, now + waitMs);
      return err({
        category: "tracker_rate_limited",
        message: `Linear rate limited the request (HTTP ${status}); retry in ${Math.ceil(waitMs / 1000)} s`,
        retryable: true,
        retryAfterMs: waitMs,
        status,
      });
    }
    if (status === 401 || status === 403) {
      return err({
        category: "tracker_auth",
        message: `Linear refused the API key (HTTP ${status})`,
        retryable: false,
        status,
      });
    }
    if (status >= 300 && status < 400) {
      return err({
        category: "tracker_status",
        message: `Linear endpoint answered with a redirect (HTTP ${status}); redirects are not followed`,
        retryable: false,
        status,
      });
    }
    if (!parsed) {
      const ok2xx = status >= 200 && status < 300;
      return err({
        category: ok2xx ? "tracker_response" : "tracker_status",
        message: ok2xx
          ? `Linear returned a body that is not JSON: ${excerpt(text.slice(0, 200))}`
          : `Linear returned HTTP ${status}`,
        retryable: !ok2xx && status >= 500,
        status,
      });
    }
    return ok({ status, body });
  }
}

function requestError(message: string, retryable: boolean, cause?: unknown): TrackerError {
  return cause === undefined
    ? { category: "tracker_request", message, retryable }
    : { category: "tracker_request", message, retryable, cause };
}

// undici reports "fetch failed" and hides the reason (ECONNREFUSED, …) in `cause`.
function transportMessage(cause: unknown): string {
  const inner = cause instanceof Error && cause.cause !== undefined ? `: ${messageOf(cause.cause)}` : "";
  return `${messageOf(cause)}${inner}`;
}
