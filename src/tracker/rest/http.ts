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
