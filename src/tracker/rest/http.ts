import type { TrackerError } from "../../domain/errors.js";
import { messageOf } from "../../domain/errors.js";
import { err, ok, type Result } from "../../domain/result.js";
import type { Clock } from "../../util/clock.js";

/** One REST call: the full URL (already checked to be on the configured API origin) and auth headers. */
export interface RestRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  /** Sent as JSON when present. */
  readonly body?: unknown;
  readonly signal: AbortSignal;
  /** Aborted when the owning client closes. */
  readonly closeSignal?: AbortSignal;
  readonly timeoutMs: number;
  /** Runs the timeout (the injected clock, so tests can drive it). */
  readonly clock: Clock;
}

/** A completed HTTP exchange (any status); `json` is undefined when the body is not JSON. */
export interface RestResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: unknown;
}

/**
 * Sends one request; only transport failures, aborts and timeouts are errors (`tracker_request`).
 * One controller per request, aborted by the caller, the client's close signal or the timeout (plain
 * listeners removed afterwards rather than `AbortSignal.any`, which keeps long-lived parents referenced on Node 20).
 */
export async function sendRest(
  request: RestRequest,
  provider: string,
): Promise<Result<RestResponse, TrackerError>> {
  const aborted = (why: string, cause?: unknown): Result<RestResponse, TrackerError> =>
    err({ category: "tracker_request", message: `${provider} request ${why}`, retryable: false, cause });
  if (request.signal.aborted) return aborted("aborted by the caller");
  if (request.closeSignal?.aborted === true) return aborted("refused: the client is closed");
  const controller = new AbortController();
  const stopped: { why: "caller" | "closed" | "timeout" | null } = { why: null };
  const stop = (why: "caller" | "closed" | "timeout") => () => {
    stopped.why ??= why;
    controller.abort();
  };
  const onCaller = stop("caller");
  const onClosed = stop("closed");
  request.signal.addEventListener("abort", onCaller, { once: true });
  request.closeSignal?.addEventListener("abort", onClosed, { once: true });
  const timer = request.clock.setTimer(request.timeoutMs, stop("timeout"));
  const headers: Record<string, string> = { ...request.headers };
  let body: string | undefined;
  if (request.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(request.body);
  }
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers,
      signal: controller.signal,
      redirect: "manual", // a redirect must not carry the token to another host
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text === "" ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return ok({ status: response.status, headers: response.headers, text, json });
  } catch (cause) {
    switch (stopped.why) {
      case "caller":
        return aborted("aborted by the caller", cause);
      case "closed":
        return aborted("aborted: the client was closed", cause);
      case "timeout":
        return err({
          category: "tracker_request",
          message: `${provider} request timed out after ${request.timeoutMs} ms`,
          retryable: true,
          cause,
        });
      default:
        return err({
          category: "tracker_request",
          message: `${provider} request failed: ${messageOf(cause)}`,
          retryable: true,
          cause,
        });
    }
  } finally {
    request.clock.clearTimer(timer);
    request.signal.removeEventListener("abort", onCaller);
    request.closeSignal?.removeEventListener("abort", onClosed);
  }
}

/** Milliseconds to wait from `Retry-After` (seconds or HTTP date), else from an epoch-seconds reset header. */
export function retryAfterMs(headers: Headers, resetHeader: string, nowMs: number): number | undefined {
  const retryAfter = headers.get("retry-after");
  if (retryAfter !== null && retryAfter.trim() !== "") {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - nowMs);
  }
  const reset = Number(headers.get(resetHeader) ?? Number.NaN);
  if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - nowMs);
  return undefined;
}

/** How a provider signals rate limiting beyond HTTP 429. */
export interface RateLimitSignals {
  /** Header with remaining requests (`0` on a 403 means rate-limited, as GitHub does). */
  readonly remainingHeader: string;
  /** Header with the reset time in epoch seconds. */
  readonly resetHeader: string;
}

/** Maps a non-2xx response to a typed error: 429/limit → rate limited, 401/403 → auth, else status. */
export function statusError(
  response: RestResponse,
  provider: string,
  signals: RateLimitSignals,
  nowMs: number,
): TrackerError {
  const { status, headers } = response;
  const limited =
    status === 429 ||
    (status === 403 && (headers.get(signals.remainingHeader) === "0" || headers.has("retry-after")));
  const detail = providerMessage(response);
  if (limited) {
    const wait = retryAfterMs(headers, signals.resetHeader, nowMs);
    return {
      category: "tracker_rate_limited",
      message: `${provider} rate limit hit (HTTP ${status})${detail}`,
      retryable: true,
      status,
      ...(wait === undefined ? {} : { retryAfterMs: wait }),
    };
  }
  if (status === 401 || status === 403) {
    return {
      category: "tracker_auth",
      message: `${provider} refused the credentials (HTTP ${status})${detail}`,
      retryable: false,
      status,
    };
  }
  return {
    category: "tracker_status",
    message: `${provider} answered HTTP ${status}${detail}`,
    retryable: status >= 500 || status === 408,
    status,
  };
}

// The provider's own error text, short and single-line (never the request, which holds no secret anyway).
function providerMessage(response: RestResponse): string {
  const json = response.json;
  let text = "";
  if (typeof json === "object" && json !== null && "message" in json) {
    const m = (json as { message: unknown }).message;
    text = typeof m === "string" ? m : JSON.stringify(m);
  } else if (typeof json === "object" && json !== null && "error" in json) {
    text = String((json as { error: unknown }).error);
  } else {
    text = response.text;
  }
  text = text.replace(/\s+/g, " ").trim();
  if (text === "") return "";
  return `: ${text.length > 200 ? `${text.slice(0, 197)}...` : text}`;
}

/** Reads the named rate-limit headers (as numbers where numeric); null when none were present. */
export function readRateLimitHeaders(
  headers: Headers,
  names: Readonly<Record<string, string>>,
): Record<string, number | string> | null {
  const out: Record<string, number | string> = {};
  for (const [key, header] of Object.entries(names)) {
    const value = headers.get(header);
    if (value === null) continue;
    const n = Number(value);
    out[key] = value.trim() !== "" && Number.isFinite(n) ? n : value;
  }
  return Object.keys(out).length === 0 ? null : out;
}
