import type { Clock } from "../util/clock.js";

/** `work`, or a rejection with code `ETIMEDOUT` (a `store_unreachable`) after `ms` on the clock. */
export function withClockTimeout<T>(clock: Clock, work: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = clock.setTimer(ms, () =>
      reject(Object.assign(new Error(`store did not answer within ${ms} ms`), { code: "ETIMEDOUT" })),
    );
    work.then(
      (value) => {
        clock.clearTimer(timer);
        resolve(value);
      },
      (cause: unknown) => {
        clock.clearTimer(timer);
        reject(cause);
      },
    );
  });
}
