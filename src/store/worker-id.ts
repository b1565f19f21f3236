import { hostname } from "node:os";

/** A new instance id: `<hostname>:<pid>:<random>`. */
export function newWorkerId(): string {
  return `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 6)}`;
}

/**
 * Whether the instance behind a worker id may still run: false only when it was on this host and
 * its pid is gone (a restart after kill -9 need not wait for the lease to expire). Elsewhere, or
 * when the pid exists (maybe reused), the lease stands until it expires.
 */
export function holderMayRun(workerId: string): boolean {
  const [host, pid] = workerId.split(":");
  if (host !== hostname() || pid === undefined || !/^\d+$/.test(pid)) return true;
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch (cause) {
    return (cause as { code?: string }).code === "EPERM";
  }
}
