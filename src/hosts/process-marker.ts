import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";

/**
 * Environment variable set on every child a host starts. Processes that leave the child's process
 * group (`setsid daemon &`) still inherit it, so they can be found under /proc and killed.
 */
export const PROCESS_MARKER_NAME = "SYMPHONY_PROCESS_MARKER";

/**
 * Environment variable naming the service process (its pid) a child belongs to. When that service
 * dies without running its exit hooks (SIGKILL), its children are found by it and swept (see
 * {@link killOrphansOf}) before another instance takes its issues over.
 */
export const SERVICE_MARKER_NAME = "SYMPHONY_SERVICE_PID";

/** The marker variables of a child started now: this run's marker and this service's pid. */
export function markerEnv(marker: string): Record<string, string> {
  return { [PROCESS_MARKER_NAME]: marker, [SERVICE_MARKER_NAME]: String(process.pid) };
}

const liveMarkers = new Set<string>();
let exitHookInstalled = false;

/** A fresh marker, remembered until {@link releaseMarker}; whatever still carries it dies with the service. */
export function newMarker(): string {
  installExitHook();
  const marker = randomUUID();
  liveMarkers.add(marker);
  return marker;
}

/** Forgets a marker (after its processes were swept). */
export function releaseMarker(marker: string): void {
  liveMarkers.delete(marker);
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // last line of defence, as for process groups: nothing a run started outlives the service
  process.on("exit", () => {
    for (const marker of liveMarkers) for (const pid of findMarkedSync(marker)) kill(pid);
  });
}

function carries(environ: Buffer, marker: string, name = PROCESS_MARKER_NAME): boolean {
  // environ is NUL-separated; a leading NUL lets the first entry match too
  const needle = Buffer.from(`\0${name}=${marker}\0`);
  return Buffer.concat([Buffer.from([0]), environ, Buffer.from([0])]).includes(needle);
}

function pids(entries: readonly string[]): number[] {
  return entries
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .filter((pid) => pid !== process.pid);
}

/** Pids of live processes whose environment carries `marker` (Linux /proc; elsewhere none). */
export async function findMarked(marker: string): Promise<number[]> {
  let entries: string[];
  try {
    entries = await readdir("/proc");
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const pid of pids(entries)) {
    const environ = await readFile(`/proc/${pid}/environ`).catch(() => null);
    if (environ !== null && carries(environ, marker)) found.push(pid);
  }
  return found;
}

function findMarkedSync(marker: string, name = PROCESS_MARKER_NAME): number[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const pid of pids(entries)) {
    try {
      if (carries(readFileSync(`/proc/${pid}/environ`), marker, name)) found.push(pid);
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

function kill(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/**
 * SIGKILLs every process carrying `marker`, repeating while new ones appear (a dying parent may
 * have forked), then forgets the marker. Returns how many were killed.
 */
export async function killMarked(marker: string): Promise<number> {
  let killed = 0;
  for (let round = 0; round < 5; round++) {
    const found = await findMarked(marker);
    if (found.length === 0) break;
    for (const pid of found) kill(pid);
    killed += found.length;
  }
  releaseMarker(marker);
  return killed;
}

/**
 * SIGKILLs every process a service with this pid started (its {@link SERVICE_MARKER_NAME}), for a
 * service known to be dead: its runs outlived it (SIGKILL skips the exit hooks) and nobody records
 * or stops them any more. Returns how many were found. Synchronous: a lease check calls it.
 */
export function killOrphansOf(servicePid: number): number {
  const found = findMarkedSync(String(servicePid), SERVICE_MARKER_NAME);
  for (const pid of found) kill(pid);
  return found.length;
}
