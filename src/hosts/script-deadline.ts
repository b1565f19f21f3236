/** Why a script was stopped before it ended on its own. */
export type ScriptStopReason = "timeout" | "abort";

/** The running deadline of one `runScript`: what stopped it (if anything), and its release. */
export interface ScriptDeadline {
  /** The first reason the script was stopped for, or null while it ran to its end. */
  reason(): ScriptStopReason | null;
  /** Clears the timer and the abort listener (call once the script exited). */
  release(): void;
}

/**
 * Stops a script (`stop`, once) when `timeoutMs` passes or `signal` aborts, whichever comes first:
 * the one deadline every host's `runScript` keeps.
 */
export function scriptDeadline(stop: () => void, timeoutMs: number, signal?: AbortSignal): ScriptDeadline {
  let reason: ScriptStopReason | null = null;
  const fire = (why: ScriptStopReason) => {
    if (reason !== null) return;
    reason = why;
    stop();
  };
  const timer = setTimeout(() => fire("timeout"), Math.max(0, timeoutMs));
  const onAbort = () => fire("abort");
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  return {
    reason: () => reason,
    release() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    },
  };
}
