import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";

/**
 * Environment variable set on every child a host starts. Processes that leave the child's process
 * group (`setsid daemon &`) still inherit it, so they can be found under /proc and killed.
 */
export const PROCESS_MARKER_NAME = "SYMPHONY_PROCESS_MARKER";

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

function needle(marker: string): Buffer {
  return Buffer.from(`\0${PROCESS_MARKER_NAME}=${marker}\0`);
}

function carries(environ: Buffer, marker: string): boolean {
  // environ is NUL-separated; a leading NUL lets the first entry match too
  return Buffer.concat([Buffer.from([0]), environ, Buffer.from([0])]).includes(needle(marker));
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

function findMarkedSync(marker: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const pid of pids(entries)) {
    try {
      if (carries(readFileSync(`/proc/${pid}/environ`), marker)) found.push(pid);
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
