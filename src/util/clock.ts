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
