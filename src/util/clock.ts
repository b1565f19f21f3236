/** An opaque timer handle returned by {@link Clock.setTimer}. */
export type TimerHandle = { readonly __timer: unique symbol } | object;

/** Time as the orchestrator, retry queue and stall detection see it; tests drive a manual one. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds. */
  setTimer(ms: number, fn: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

/** The real clock: `Date.now` and Node timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (ms, fn) => setTimeout(fn, Math.max(0, ms)),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** The abort reason of a {@link clockTimeout} signal: which limit ran out. */
export class TimeoutElapsed extends Error {
  override readonly name = "TimeoutError";
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super(`timed out after ${timeoutMs}ms`);
    this.timeoutMs = timeoutMs;
  }
}

/** A signal aborted (with a {@link TimeoutElapsed} reason) after `ms` on `clock`; `clear()` cancels the timer. */
export function clockTimeout(clock: Clock, ms: number): { readonly signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const handle = clock.setTimer(ms, () => controller.abort(new TimeoutElapsed(ms)));
  return { signal: controller.signal, clear: () => clock.clearTimer(handle) };
}
