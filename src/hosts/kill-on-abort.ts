import type { HostProcess } from "./host.js";

/**
 * Ties a spawned process to `signal`: an abort (also one that already happened) kills its whole tree the
 * way {@link HostProcess.kill} does; the listener goes away once the process exits.
 */
export function killOnAbort(proc: HostProcess, signal: AbortSignal | undefined): HostProcess {
  if (signal === undefined) return proc;
  const onAbort = (): void => {
    void proc.kill();
  };
  if (signal.aborted) {
    onAbort();
    return proc;
  }
  signal.addEventListener("abort", onAbort, { once: true });
  void proc.exited.finally(() => signal.removeEventListener("abort", onAbort));
  return proc;
}
