import { err, ok, type Result } from "../domain/result.js";

/** Every configured host is at its cap (or none is configured): dispatch waits, it never falls back to local. */
export interface NoHostCapacity {
  readonly kind: "no_host_capacity";
  /** Each configured host with its running count, in config order. */
  readonly hosts: readonly { readonly host: string; readonly running: number }[];
  readonly perHostCap: number | null;
}

/** What the orchestrator knows when it picks a worker host for a dispatch. */
export interface HostChoiceInput {
  /** `worker.ssh_hosts`, in config order (duplicates count once). */
  readonly hosts: readonly string[];
  /** Runs currently assigned to each host; a missing host counts as 0. */
  readonly running: ReadonlyMap<string, number>;
  /** `worker.max_concurrent_agents_per_host`; `null` means no per-host cap. */
  readonly perHostCap: number | null;
  /** The host the previous attempt used (retry affinity), if any. */
  readonly preferred?: string | null;
  /** Per-host caps that override `perHostCap` (e.g. a Docker engine's `max_concurrent_agents`). */
  readonly caps?: ReadonlyMap<string, number>;
}

/**
 * Picks a host for one dispatch (spec A.2): only hosts below the per-host cap are candidates; the
 * preferred host wins when it is a candidate; otherwise the least-loaded candidate, ties broken by
 * config order. With no candidate the answer is `no_host_capacity`.
 */
export function chooseHost(input: HostChoiceInput): Result<string, NoHostCapacity> {
  const hosts = [...new Set(input.hosts)];
  const load = (host: string) => input.running.get(host) ?? 0;
  const capOf = (host: string) => input.caps?.get(host) ?? input.perHostCap;
  const available = hosts.filter((host) => {
    const cap = capOf(host);
    return cap === null || load(host) < cap;
  });
  const preferred = input.preferred ?? null;
  if (preferred !== null && available.includes(preferred)) return ok(preferred);
  let best: string | undefined;
  for (const host of available) {
    if (best === undefined || load(host) < load(best)) best = host;
  }
  if (best !== undefined) return ok(best);
  return err({
    kind: "no_host_capacity",
    hosts: hosts.map((host) => ({ host, running: load(host) })),
    perHostCap: input.perHostCap,
  });
}

/** Counts runs per host from the hosts of the running entries (`null`/`undefined` = local, not counted). */
export function countRunsByHost(assigned: Iterable<string | null | undefined>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const host of assigned) {
    if (host === null || host === undefined) continue;
    counts.set(host, (counts.get(host) ?? 0) + 1);
  }
  return counts;
}
