/** Linear's rate-limit figures from the latest response headers (both leaky buckets). */
export interface LinearRateLimits {
  readonly requestsLimit?: number;
  readonly requestsRemaining?: number;
  /** Epoch ms when the request bucket is full again. */
  readonly requestsResetAt?: number;
  readonly complexityLimit?: number;
  readonly complexityRemaining?: number;
  readonly complexityResetAt?: number;
  /** Complexity points the last query cost (`X-Complexity`). */
  readonly lastQueryComplexity?: number;
  /** Epoch ms (from the injected clock) when these headers were read. */
  readonly observedAt: number;
}

const HEADERS = {
  requestsLimit: "x-ratelimit-requests-limit",
  requestsRemaining: "x-ratelimit-requests-remaining",
  requestsResetAt: "x-ratelimit-requests-reset",
  complexityLimit: "x-ratelimit-complexity-limit",
  complexityRemaining: "x-ratelimit-complexity-remaining",
  complexityResetAt: "x-ratelimit-complexity-reset",
  lastQueryComplexity: "x-complexity",
} as const;

function numberHeader(headers: Headers, name: string): number | undefined {
  const raw = headers.get(name);
  if (raw === null || raw.trim() === "") return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

// Linear documents the reset headers as epoch timestamps without settling the unit; a value below
// 1e12 cannot be epoch milliseconds of any date after 2001, so it is read as seconds.
function epochMs(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  return value < 1e12 ? value * 1000 : value;
}

/** Reads the rate-limit headers; null when the response carried none of them. */
export function readRateLimitHeaders(headers: Headers, now: number): LinearRateLimits | null {
  const figures: Record<string, number> = {};
  for (const [key, header] of Object.entries(HEADERS)) {
    const raw = numberHeader(headers, header);
    const value = key.endsWith("ResetAt") ? epochMs(raw) : raw;
    if (value !== undefined) figures[key] = value;
  }
  if (Object.keys(figures).length === 0) return null;
  return { ...figures, observedAt: now };
}

/** When a bucket is exhausted, the epoch ms it resets at (the later of the two); undefined otherwise. */
export function exhaustedUntil(limits: LinearRateLimits | null, now: number): number | undefined {
  if (limits === null) return undefined;
  let until: number | undefined;
  const consider = (remaining: number | undefined, resetAt: number | undefined) => {
    if (remaining !== undefined && remaining <= 0 && resetAt !== undefined && resetAt > now) {
      until = until === undefined ? resetAt : Math.max(until, resetAt);
    }
  };
  consider(limits.requestsRemaining, limits.requestsResetAt);
  consider(limits.complexityRemaining, limits.complexityResetAt);
  return until;
}
