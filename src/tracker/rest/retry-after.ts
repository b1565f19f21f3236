/**
 * Milliseconds to wait from one `Retry-After` value (delta seconds, possibly fractional, or an HTTP
 * date); undefined when absent or unusable. Rounded up: never wait less than the provider asked.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  const trimmed = value?.trim() ?? "";
  if (trimmed === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Milliseconds to wait from `Retry-After`, else from a reset header (epoch seconds or an ISO time);
 * undefined when the provider said nothing usable. The one parser every tracker uses.
 */
export function retryAfterMs(headers: Headers, now: number, resetHeader?: string): number | undefined {
  const fromRetryAfter = parseRetryAfter(headers.get("retry-after"), now);
  if (fromRetryAfter !== undefined) return fromRetryAfter;
  const reset = resetHeader === undefined ? "" : (headers.get(resetHeader)?.trim() ?? "");
  if (reset === "") return undefined;
  if (/^\d+$/.test(reset)) return Math.max(0, Number(reset) * 1000 - now);
  const at = Date.parse(reset);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
