import type { Logger } from "../domain/logger.js";
import type { Clock, TimerHandle } from "../util/clock.js";

/**
 * Waits for `work` during shutdown: after `graceMs` calls `onGrace` (abort cleanup hooks), and after
 * twice that gives up with an error log, so a backend that ignores its abort cannot hold the service.
 */
export async function awaitShutdown(
  work: () => Promise<unknown>,
  options: {
    readonly clock: Clock;
    readonly logger: Logger;
    readonly graceMs: number;
    readonly onGrace: () => void;
  },
): Promise<void> {
  const { clock } = options;
  const timers: TimerHandle[] = [clock.setTimer(options.graceMs, options.onGrace)];
  const deadline = new Promise<void>((resolve) => {
    timers.push(
      clock.setTimer(2 * options.graceMs, () => {
        options.logger.error("shutdown deadline passed; not waiting for workers any longer");
        resolve();
      }),
    );
  });
  try {
    await Promise.race([work(), deadline]);
  } finally {
    for (const timer of timers) clock.clearTimer(timer);
  }
}
