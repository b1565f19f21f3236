import type { TrackerError } from "../domain/errors.js";
import { messageOf } from "../domain/errors.js";
import { err, ok, type Result } from "../domain/result.js";
import type { Clock } from "../util/clock.js";

/** One JSON-over-HTTP request a REST tracker client sends. */
export interface JsonRequest {
  readonly url: string;
  readonly method: "GET" | "POST" | "PUT" | "DELETE";
  /** Includes the auth header; never logged. */
  readonly headers: Readonly<Record<string, string>>;
  /** Serialised as JSON when present. */
  readonly body?: unknown;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

/** A reply whose transport succeeded, any status; `body` is parsed JSON, raw text, or null when empty. */
export interface JsonReply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
  /** False when a non-empty body was not JSON (then `body` is the text). */
  readonly json: boolean;
}

/**
 * Sends one request with the caller's signal plus a timeout reaching `fetch`. Transport failures and
 * timeouts become `tracker_request`; the URL is reported without its query (tokens never go there).
 */
export async function sendJson(
  request: JsonRequest,
  provider: string,
): Promise<Result<JsonReply, TrackerError>> {
  const signal = AbortSignal.any([request.signal, AbortSignal.timeout(request.timeoutMs)]);
  const headers: Record<string, string> = { accept: "application/json", ...request.headers };
  // Redirects are not followed: the credential goes to the configured host only (a 3xx is a status error).
  const init: RequestInit = { method: request.method, headers, signal, redirect: "manual" };
  if (request.body !== undefined) {
    headers["content-type"] = "application/json";
    init.body = JSON.stringify(request.body);
  }
  const where = `${request.method} ${new URL(request.url).pathname}`;
  try {
    const response = await fetch(request.url, init);
    const text = await response.text();
    if (text.trim() === "")
      return ok({ status: response.status, headers: response.headers, body: null, json: true });
    try {
      return ok({ status: response.status, headers: response.headers, body: JSON.parse(text), json: true });
    } catch {
      return ok({
        status: response.status,
        headers: response.headers,
        body: text.slice(0, 2_000),
        json: false,
      });
    }
  } catch (cause) {
    const timedOut = !request.signal.aborted && signal.aborted;
    const message = request.signal.aborted
      ? `${provider} request ${where} aborted`
      : timedOut
        ? `${provider} request ${where} timed out after ${request.timeoutMs} ms`
        : `${provider} request ${where} failed: ${messageOf(cause)}`;
    return err({ category: "tracker_request", message, retryable: !request.signal.aborted, cause });
  }
}

/**
 * Milliseconds to wait from `Retry-After` (seconds or an HTTP date), else from an ISO or epoch-seconds
 * reset header; undefined when the provider said nothing usable.
 */
export function retryAfterMs(headers: Headers, now: number, resetHeader?: string): number | undefined {
  const retryAfter = headers.get("retry-after")?.trim();
  if (retryAfter !== undefined && retryAfter !== "") {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.round(Number(retryAfter) * 1000);
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const reset = resetHeader === undefined ? undefined : headers.get(resetHeader)?.trim();
  if (reset !== undefined && reset !== "") {
    if (/^\d+$/.test(reset)) return Math.max(0, Number(reset) * 1000 - now);
    const at = Date.parse(reset);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  return undefined;
}

/** Maps a non-2xx reply to its category: 429 → rate limited, 401/403 → auth, others → status. */
export function statusError(
  reply: JsonReply,
  provider: string,
  what: string,
  now: number,
  resetHeader?: string,
): TrackerError {
  const wait = retryAfterMs(reply.headers, now, resetHeader);
  const detail = providerMessage(reply.body);
  const suffix = detail === "" ? "" : `: ${detail}`;
  const base = { status: reply.status, ...(wait === undefined ? {} : { retryAfterMs: wait }) };
  if (reply.status === 429) {
    return {
      category: "tracker_rate_limited",
      message: `${provider} rate limit hit on ${what}${suffix}`,
      retryable: true,
      ...base,
    };
  }
  if (reply.status === 401 || reply.status === 403) {
    return {
      category: "tracker_auth",
      message: `${provider} refused the credentials on ${what} (HTTP ${reply.status})${suffix}`,
      retryable: false,
      ...base,
    };
  }
  return {
    category: "tracker_status",
    message: `${provider} answered HTTP ${reply.status} on ${what}${suffix}`,
    retryable: reply.status >= 500 || reply.status === 408,
    ...base,
  };
}

/** A `tracker_response` error for a 2xx body that is not what the endpoint documents. */
export function responseError(provider: string, what: string, problem: string): TrackerError {
  return { category: "tracker_response", message: `${provider} ${what}: ${problem}`, retryable: true };
}

/** A `tracker_pagination` error (missing cursor, repeated cursor, page limit). */
export function paginationError(provider: string, what: string, problem: string): TrackerError {
  return { category: "tracker_pagination", message: `${provider} ${what}: ${problem}`, retryable: true };
}

// Jira: {errorMessages:[…], errors:{field:msg}}; Asana: {errors:[{message}]}. Short, single line.
function providerMessage(body: unknown): string {
  if (typeof body === "string") return body.replace(/\s+/g, " ").slice(0, 200);
  if (typeof body !== "object" || body === null) return "";
  const record = body as Record<string, unknown>;
  const parts: string[] = [];
  if (Array.isArray(record.errorMessages)) {
    for (const m of record.errorMessages) if (typeof m === "string") parts.push(m);
  }
  if (Array.isArray(record.errors)) {
    for (const e of record.errors) {
      const m = (e as { message?: unknown } | null)?.message;
      if (typeof m === "string") parts.push(m);
    }
  } else if (typeof record.errors === "object" && record.errors !== null) {
    for (const [k, v] of Object.entries(record.errors)) if (typeof v === "string") parts.push(`${k}: ${v}`);
  }
  return parts.join("; ").replace(/\s+/g, " ").slice(0, 300);
}

/** Picks the named rate-limit headers present on a reply (lower-cased names), or null when none. */
export function pickHeaders(headers: Headers, names: readonly string[]): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = headers.get(name);
    if (value !== null) out[name] = value;
  }
  return Object.keys(out).length === 0 ? null : out;
}

/**
 * Remembers the wait a provider asked for with a 429, so reads during it fail fast with
 * `tracker_rate_limited` instead of hitting the API again (time from the injected clock).
 */
export class RateLimitCooldown {
  readonly #clock: Clock;
  #until = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Starts (or extends) the cooldown when `error` is a rate limit with a known wait. */
  note(error: TrackerError): void {
    if (error.category !== "tracker_rate_limited" || error.retryAfterMs === undefined) return;
    this.#until = Math.max(this.#until, this.#clock.now() + error.retryAfterMs);
  }

  /** The error to return instead of a request while the cooldown lasts, else null. */
  check(provider: string, what: string): TrackerError | null {
    const left = this.#until - this.#clock.now();
    if (left <= 0) return null;
    return {
      category: "tracker_rate_limited",
      message: `${provider} ${what} skipped: rate limited for another ${Math.ceil(left / 1000)} s`,
      retryable: true,
      retryAfterMs: left,
    };
  }

  /** Epoch ms when the cooldown ends, or null when none is active. */
  until(): number | null {
    return this.#until > this.#clock.now() ? this.#until : null;
  }
}
