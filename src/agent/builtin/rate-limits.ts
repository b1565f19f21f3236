/** Response headers that carry provider rate-limit figures (OpenAI, Anthropic, generic). */
const RATE_LIMIT_HEADER = /ratelimit|^retry-after/i;

/** Extracts rate-limit headers into the payload the `rate_limits` event carries; null when none. */
export function rateLimitsFromHeaders(
  provider: string,
  headers: Readonly<Record<string, string>> | undefined,
): Record<string, unknown> | null {
  if (headers === undefined) return null;
  const picked: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (RATE_LIMIT_HEADER.test(name)) picked[name.toLowerCase()] = value;
  }
  if (Object.keys(picked).length === 0) return null;
  return { source: provider, headers: picked };
}

/** Milliseconds to wait from `retry-after-ms`, `retry-after` (seconds or HTTP date); undefined when absent. */
export function retryAfterMs(
  headers: Readonly<Record<string, string>> | undefined,
  now = Date.now(),
): number | undefined {
  if (headers === undefined) return undefined;
  const lower: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
  const ms = Number(lower["retry-after-ms"]);
  if (lower["retry-after-ms"] !== undefined && Number.isFinite(ms) && ms >= 0) return Math.round(ms);
  const raw = lower["retry-after"];
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  if (raw.trim() !== "" && Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
