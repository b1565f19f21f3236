import { type CheckResult, result } from "../../domain/doctor-finding.js";
import { messageOf } from "../../domain/errors.js";
import { type Clock, systemClock, type TimerHandle } from "../../util/clock.js";

export type { CheckResult, CheckStatus } from "../../domain/doctor-finding.js";
export { result };

/** A check body: gets a signal that aborts at the check's timeout and must reach any child or request. */
export type CheckBody = (signal: AbortSignal) => Promise<CheckResult | readonly CheckResult[]>;

/**
 * Runs a check with a deadline: on timeout the signal aborts (reaching its child/request) and the check
 * reports `fail` without waiting for the body; a throw is a `fail` carrying its message.
 */
export async function runWithTimeout(
  name: string,
  timeoutMs: number,
  body: CheckBody,
  clock: Clock = systemClock,
): Promise<readonly CheckResult[]> {
  const controller = new AbortController();
  let timer: TimerHandle | undefined;
  const timedOut = new Promise<readonly CheckResult[]>((resolve) => {
    timer = clock.setTimer(timeoutMs, () => {
      controller.abort(new Error(`timed out after ${timeoutMs} ms`));
      resolve([
        result(name, "fail", `no answer within ${timeoutMs} ms`, "check connectivity, or raise --timeout"),
      ]);
    });
  });
  const ran = body(controller.signal).then(
    (out) => (Array.isArray(out) ? (out as readonly CheckResult[]) : [out as CheckResult]),
    (cause: unknown) => [result(name, "fail", `check crashed: ${messageOf(cause)}`)],
  );
  try {
    return await Promise.race([ran, timedOut]);
  } finally {
    if (timer !== undefined) clock.clearTimer(timer);
    controller.abort();
  }
}
