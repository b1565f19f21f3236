/** Delay before the continuation re-check after a clean worker exit (spec 8.4). */
export const CONTINUATION_DELAY_MS = 1000;
/** Base of the failure backoff (spec 8.4). */
export const FAILURE_BASE_MS = 10_000;

/** Failure backoff: `min(10 s · 2^(attempt-1), cap)`; the exponent is bounded so it never overflows. */
export function failureDelayMs(attempt: number, maxBackoffMs: number): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 20);
  return Math.min(FAILURE_BASE_MS * 2 ** exponent, maxBackoffMs);
}
