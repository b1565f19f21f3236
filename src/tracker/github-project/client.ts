import type { TrackerError } from "../../domain/errors.js";
import { messageOf } from "../../domain/errors.js";
import { err, ok, type Result } from "../../domain/result.js";
import type { Clock } from "../../util/clock.js";
import { parseRetryAfter } from "../rest/retry-after.js";
import type { GithubProjectSettings } from "./config.js";

/** A JSON reply from GitHub's GraphQL endpoint, whatever its GraphQL outcome. */
export interface GraphqlReply {
  readonly status: number;
  readonly body: unknown;
}

/** The latest `rateLimit { cost remaining resetAt limit }` GitHub reported. */
export interface GraphqlRateLimit {
  readonly cost: number;
  readonly remaining: number;
  readonly limit: number;
  /** Epoch ms when the points window resets. */
  readonly resetAt: number;
  /** Epoch ms (injected clock) when it was read. */
  readonly observedAt: number;
}

/** Wait used when GitHub says "rate limited" without saying until when. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

type Obj = Readonly<Record<string, unknown>>;

/** The `errors` array of a GraphQL body, or an empty list. */
export function graphqlErrors(body: unknown): readonly Obj[] {
  const errors =
    typeof body === "object" && body !== null ? (body as { errors?: unknown }).errors : undefined;
  return Array.isArray(errors) ? errors.filter((e): e is Obj => typeof e === "object" && e !== null) : [];
}

function summarise(errors: readonly Obj[]): string {
  return errors
    .slice(0, 3)
    .map((e) => (typeof e.message === "string" ? e.message : JSON.stringify(e)))
    .join("; ");
}

/** Reads `data.rateLimit` of a reply; null when absent or malformed. */
export function readRateLimit(body: unknown, now: number): GraphqlRateLimit | null {
  const data = typeof body === "object" && body !== null ? (body as { data?: unknown }).data : undefined;
  const raw = typeof data === "object" && data !== null ? (data as Obj).rateLimit : undefined;
  if (typeof raw !== "object" || raw === null) return null;
  const { cost, remaining, limit, resetAt } = raw as Obj;
  const reset = typeof resetAt === "string" ? Date.parse(resetAt) : Number.NaN;
  if (typeof remaining !== "number" || !Number.isFinite(reset)) return null;
  return {
    cost: typeof cost === "number" ? cost : 0,
    remaining,
    limit: typeof limit === "number" ? limit : 0,
    resetAt: reset,
    observedAt: now,
  };
}

/**
 * GraphQL over `fetch` to GitHub with the token as a bearer header (redirects refused). Requests are
 * bounded by `timeoutMs` on the injected clock, the caller's signal and `close()`. When the points left
 * in the window fall below `minRateRemaining`, or GitHub answers "rate limited", requests wait until
 * the reset without reaching GitHub.
 */
export class GithubGraphqlClient {
  readonly #settings: GithubProjectSettings;
  readonly #clock: Clock;
  readonly #inFlight = new Set<() => void>();
  #closed = false;
  #limits: GraphqlRateLimit | null = null;
  #cooldownUntil = 0;

  constructor(settings: GithubProjectSettings, clock: Clock) {
    this.#settings = settings;
    this.#clock = clock;
  }

  /** Latest rate-limit figures, with the wait deadline when one is active. */
  rateLimits(): Obj | null {
    const now = this.#clock.now();
    const cooling = this.#cooldownUntil > now ? { limitedUntil: this.#cooldownUntil } : {};
    if (this.#limits === null) return Object.keys(cooling).length > 0 ? cooling : null;
    return { ...this.#limits, ...cooling };
  }

  /** Aborts in-flight requests; later calls fail with `tracker_request`. */
  close(): void {
    this.#closed = true;
    for (const abort of this.#inFlight) abort();
  }

  /** Posts one document; any JSON reply is a value, transport/auth/rate-limit failures are errors. */
  async post(
    query: string,
    variables: Obj | null,
    operationName: string | null,
    signal: AbortSignal,
  ): Promise<Result<GraphqlReply, TrackerError>> {
    const now = this.#clock.now();
    if (this.#closed) return err(requestError("GitHub client is closed", false));
    if (signal.aborted) return err(requestError("GitHub request aborted by the caller", false));
    if (now < this.#cooldownUntil) return err(this.#limited(now));
    const request = new AbortController();
    let why: "timeout" | "caller" | "closed" | null = null;
    const stop = (reason: "timeout" | "caller" | "closed") => () => {
      why ??= reason;
      request.abort();
    };
    const onCaller = stop("caller");
    const onClosed = stop("closed");
    signal.addEventListener("abort", onCaller);
    this.#inFlight.add(onClosed);
    const timer = this.#clock.setTimer(this.#settings.timeoutMs, stop("timeout"));
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.#settings.endpoint, {
        method: "POST",
        headers: {
          Authorization: `Bearer ${this.#settings.token}`,
          "Content-Type": "application/json",
          Accept: "application/json",
        },
        body: JSON.stringify({
          query,
          variables: variables ?? {},
          ...(operationName ? { operationName } : {}),
        }),
        redirect: "manual",
        signal: request.signal,
      });
      text = await response.text();
    } catch (cause) {
      const reason: string | null = why;
      if (reason === "timeout")
        return err(
          requestError(`GitHub request timed out after ${this.#settings.timeoutMs} ms`, true, cause),
        );
      if (reason === "closed") return err(requestError("GitHub client is closed", false, cause));
      if (reason === "caller") return err(requestError("GitHub request aborted by the caller", false, cause));
      const inner = cause instanceof Error && cause.cause !== undefined ? `: ${messageOf(cause.cause)}` : "";
      return err(requestError(`GitHub request failed: ${messageOf(cause)}${inner}`, true, cause));
    } finally {
      this.#clock.clearTimer(timer);
      signal.removeEventListener("abort", onCaller);
      this.#inFlight.delete(onClosed);
    }
    return this.#interpret(response, text);
  }

  /**
   * Runs one adapter document and returns its `data`. A non-2xx status, a body without `data` or a
   * GraphQL error is a typed error, except `NOT_FOUND` errors when `allowNotFound` (a stale node id).
   */
  async read(
    operationName: string,
    query: string,
    variables: Obj,
    signal: AbortSignal,
    allowNotFound = false,
  ): Promise<Result<Obj, TrackerError>> {
    const posted = await this.post(query, variables, operationName, signal);
    if (!posted.ok) return posted;
    const { status, body } = posted.value;
    const errors = graphqlErrors(body);
    if (status < 200 || status >= 300) {
      const detail = errors.length > 0 ? `: ${summarise(errors)}` : "";
      return err({
        category: "tracker_status",
        message: `GitHub ${operationName} returned HTTP ${status}${detail}`,
        retryable: status >= 500,
        status,
      });
    }
    const fatal = errors.filter((e) => !(allowNotFound && e.type === "NOT_FOUND"));
    if (fatal.length > 0) {
      const auth = fatal.some((e) => e.type === "FORBIDDEN" || e.type === "INSUFFICIENT_SCOPES");
      return err({
        category: auth ? "tracker_auth" : "tracker_response",
        message: `GitHub ${operationName} returned GraphQL errors: ${summarise(fatal)}`,
        retryable: false,
        status,
        cause: fatal,
      });
    }
    const data = typeof body === "object" && body !== null ? (body as { data?: unknown }).data : undefined;
    if (typeof data !== "object" || data === null) {
      return err({
        category: "tracker_response",
        message: `GitHub ${operationName} returned no data object`,
        retryable: false,
        status,
      });
    }
    return ok(data as Obj);
  }

  #limited(now: number): TrackerError {
    return {
      category: "tracker_rate_limited",
      message: `GitHub GraphQL rate limit: waiting until ${new Date(this.#cooldownUntil).toISOString()}`,
      retryable: true,
      retryAfterMs: this.#cooldownUntil - now,
    };
  }

  #interpret(response: Response, text: string): Result<GraphqlReply, TrackerError> {
    const now = this.#clock.now();
    const status = response.status;
    let body: unknown;
    let parsed = true;
    try {
      body = JSON.parse(text);
    } catch {
      parsed = false;
    }
    const limits = parsed ? readRateLimit(body, now) : null;
    if (limits !== null) {
      this.#limits = limits;
      // Back off before GitHub refuses: the remaining points are kept for the agents' tool calls.
      if (limits.remaining < this.#settings.minRateRemaining && limits.resetAt > now) {
        this.#cooldownUntil = Math.max(this.#cooldownUntil, limits.resetAt);
      }
    }
    const rateLimited =
      status === 429 ||
      (status === 403 && response.headers.get("x-ratelimit-remaining") === "0") ||
      graphqlErrors(body).some((e) => e.type === "RATE_LIMITED");
    if (rateLimited) {
      const reset = Number(response.headers.get("x-ratelimit-reset") ?? "");
      const waitMs =
        parseRetryAfter(response.headers.get("retry-after"), now) ??
        (Number.isFinite(reset) && reset * 1000 > now ? reset * 1000 - now : DEFAULT_RATE_LIMIT_WAIT_MS);
      this.#cooldownUntil = Math.max(this.#cooldownUntil, now + waitMs);
      return err({ ...this.#limited(now), status });
    }
    if (status === 401 || status === 403) {
      return err({
        category: "tracker_auth",
        message: `GitHub refused the token (HTTP ${status})`,
        retryable: false,
        status,
      });
    }
    if (status >= 300 && status < 400) {
      return err({
        category: "tracker_status",
        message: `GitHub answered with a redirect (HTTP ${status}); redirects are not followed`,
        retryable: false,
        status,
      });
    }
    if (!parsed) {
      const okStatus = status >= 200 && status < 300;
      return err({
        category: okStatus ? "tracker_response" : "tracker_status",
        message: okStatus ? "GitHub returned a body that is not JSON" : `GitHub returned HTTP ${status}`,
        retryable: !okStatus && status >= 500,
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
