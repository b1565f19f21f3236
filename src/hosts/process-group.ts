import type { ChildProcess } from "node:child_process";

/** Process groups started by this service that may still be alive; killed if the service exits. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // last line of defence: no grandchild outlives the service, whatever path the exit took
  process.on("exit", () => {
    for (const pgid of liveGroups) signalGroup(pgid, "SIGKILL");
  });
}

/** Sends a signal to a whole process group; a group that is already gone is not an error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Remembers a detached child's group until it and its group are gone. */
export function trackGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  installExitHook();
  liveGroups.add(child.pid);
}

/** Forgets a group (after it was killed or exited and swept). */
export function untrackGroup(pgid: number | undefined): void {
  if (pgid !== undefined) liveGroups.delete(pgid);
}

/** Number of groups currently tracked (for diagnostics). */
export function trackedGroupCount(): number {
  return liveGroups.size;
}

/**
 * Terminates a group in two phases: SIGTERM now, SIGKILL after `graceMs` unless `exited` settles first.
 * Always ends with a SIGKILL sweep so stragglers that ignored SIGTERM, or outlived the leader, are gone.
 */
export async function terminateGroup(pgid: number, exited: Promise<unknown>, graceMs: number): Promise<void> {
  signalGroup(pgid, "SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, graceMs));
  });
  await Promise.race([exited, grace]);
  clearTimeout(timer);
  signalGroup(pgid, "SIGKILL");
  await exited;
  untrackGroup(pgid);
}
