import type { TrackerError } from "../../domain/errors.js";
import { retryAfterMs } from "./retry-after.js";

/**
 * What an HTTP 403 means for one provider — the one rule that differs between them:
 * - `quota_or_auth` (GitHub, GitLab): a 403 that says the quota is spent (`<remainingHeader>: 0`, or a
 *   `Retry-After`) is rate limiting, as GitHub's primary and secondary limits answer; any other 403 is auth.
 * - `auth` (Jira, Asana): a 403 is always a permission problem; these APIs signal limits with 429 only.
 */
export type ForbiddenRule =
  | { readonly kind: "quota_or_auth"; readonly remainingHeader: string }
  | { readonly kind: "auth" };

/** How one provider's non-2xx replies are read. */
export interface StatusErrorOptions {
  readonly provider: string;
  readonly forbidden: ForbiddenRule;
  /** Header with the reset time (epoch seconds or ISO) when `Retry-After` is absent. */
  readonly resetHeader?: string;
}

/** A non-2xx reply: status, headers and the parsed JSON body (or its text when it was not JSON). */
export interface StatusReply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

/**
 * The one status→error mapper of the REST trackers: 429 (or a quota 403, per {@link ForbiddenRule}) →
 * `tracker_rate_limited` with the wait the provider asked for; 401/403 → `tracker_auth`; others →
 * `tracker_status`, retryable for 5xx and 408. `what` names the call ("task", "project tasks").
 */
export function statusError(
  reply: StatusReply,
  options: StatusErrorOptions,
  now: number,
  what?: string,
): TrackerError {
  const { status, headers } = reply;
  const { provider, forbidden } = options;
  const on = what === undefined ? "" : ` on ${what}`;
  const detail = providerDetail(reply.body);
  const suffix = detail === "" ? "" : `: ${detail}`;
  const quotaSpent =
    forbidden.kind === "quota_or_auth" &&
    (headers.get(forbidden.remainingHeader) === "0" || headers.has("retry-after"));
  const wait = retryAfterMs(headers, now, options.resetHeader);
  const waitField = wait === undefined ? {} : { retryAfterMs: wait };
  if (status === 429 || (status === 403 && quotaSpent)) {
    return {
      category: "tracker_rate_limited",
      message: `${provider} rate limit hit${on} (HTTP ${status})${suffix}`,
      retryable: true,
      status,
      ...waitField,
    };
  }
  if (status === 401 || status === 403) {
    return {
      category: "tracker_auth",
      message: `${provider} refused the credentials${on} (HTTP ${status})${suffix}`,
      retryable: false,
      status,
    };
  }
  return {
    category: "tracker_status",
    message: `${provider} answered HTTP ${status}${on}${suffix}`,
    retryable: status >= 500 || status === 408,
    status,
    ...waitField,
  };
}

/**
 * The provider's own error text, short and on one line: `message` / `error` (GitHub, GitLab),
 * `errorMessages` + `errors{field}` (Jira), `errors[{message}]` (Asana), or the raw text.
 */
export function providerDetail(body: unknown): string {
  const parts: string[] = [];
  if (typeof body === "string") {
    parts.push(body);
  } else if (typeof body === "object" && body !== null) {
    const record = body as Record<string, unknown>;
    if (record.message !== undefined) {
      parts.push(typeof record.message === "string" ? record.message : JSON.stringify(record.message));
    } else if (typeof record.error === "string") {
      parts.push(record.error);
    }
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
  }
  const text = parts.join("; ").replace(/\s+/g, " ").trim();
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
