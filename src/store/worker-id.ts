import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { killOrphansOf } from "../hosts/process-marker.js";

/** A new instance id: `<hostname>:<pid>:<random>`. */
export function newWorkerId(): string {
  return `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 6)}`;
}

/** Dead instances of this host whose leftover processes were swept and found gone. */
const swept = new Set<string>();

/** The pid of a worker id that ran on this host, or null (another host, or not a pid). */
function localPid(workerId: string): number | null {
  const [host, pid] = workerId.split(":");
  return host === hostname() && pid !== undefined && /^\d+$/.test(pid) ? Number(pid) : null;
}

/** Whether a pid is a live process (a zombie, which has exited but is not reaped yet, is not). */
function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (cause) {
    return (cause as { code?: string }).code === "EPERM";
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true; // no /proc: the signal probe is all there is
  }
}

/**
 * Kills what a dead instance of this host left running (its agents survive a SIGKILL of their
 * service). Returns true while any such process was still found: it was just sent SIGKILL and the
 * caller should not take the instance's issues over before the next check finds none.
 */
export function sweepDeadInstance(workerId: string): boolean {
  if (swept.has(workerId)) return false;
  const pid = localPid(workerId);
  if (pid === null || pidAlive(pid)) return false;
  if (killOrphansOf(pid) > 0) return true;
  swept.add(workerId);
  return false;
}

/**
 * Whether the instance behind a worker id may still run: false only when it was on this host, its
 * pid is gone and no process it started is left (a restart after kill -9 need not wait for the lease
 * to expire, but must not start an issue again while the dead instance's agent still works on it).
 * Elsewhere, or when the pid exists (maybe reused), the lease stands until it expires.
 */
export function holderMayRun(workerId: string): boolean {
  const pid = localPid(workerId);
  if (pid === null || pidAlive(pid)) return true;
  return sweepDeadInstance(workerId);
}
