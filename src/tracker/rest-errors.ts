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

/** A `tracker_response` error for a 2xx body that is not what the endpoint documents. */
export function responseError(provider: string, what: string, problem: string): TrackerError {
  return { category: "tracker_response", message: `${provider} ${what}: ${problem}`, retryable: true };
}

/** A `tracker_pagination` error (missing cursor, repeated cursor, page limit). */
export function paginationError(provider: string, what: string, problem: string): TrackerError {
  return { category: "tracker_pagination", message: `${provider} ${what}: ${problem}`, retryable: true };
}
