import type { TrackerError } from "../domain/errors.js";
import type { RestResponse } from "./rest/http.js";

/** A provider reply as the trackers read it: parsed JSON, raw text, or null when empty. */
export interface ProviderReply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
  /** False when a non-empty body was not JSON (then `body` is the text, cut to 2,000 characters). */
  readonly json: boolean;
}

/** Adapts a shared {@link RestResponse} to a {@link ProviderReply}. */
export function replyOf(response: RestResponse): ProviderReply {
  const { status, headers, text, json } = response;
  if (text.trim() === "") return { status, headers, body: null, json: true };
  if (json === undefined) return { status, headers, body: text.slice(0, 2_000), json: false };
  return { status, headers, body: json, json: true };
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
  reply: ProviderReply,
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
