import type { WorkerConfig } from "../config/types.js";
import { ok, type Result } from "../domain/result.js";
import { chooseHost, countRunsByHost, type NoHostCapacity } from "../hosts/host-pool.js";
import { LOCAL_HOST_NAME } from "../hosts/host-resolver.js";

/** Where the next attempt of an issue should (and should not) run. */
export interface HostPreference {
  /** The previous attempt's host (affinity: a warm workspace), or null. */
  readonly preferred: string | null;
  /** A host that was unreachable for the previous attempt; avoided while another host is configured. */
  readonly avoid: string | null;
}

/** No preference: any host with capacity. */
export const ANY_HOST: HostPreference = { preferred: null, avoid: null };

/**
 * Per-host capacity for one dispatch pass (spec A.2). Without `worker.ssh_hosts` (or the pool of a host
 * kind with its own section, e.g. Docker engines) every run is local and there is no host limit; with them
 * every run goes to a configured host below its cap, and never falls back to local.
 */
export class HostSlots {
  readonly #worker: WorkerConfig;
  readonly #running: Map<string, number>;

  /** `assigned` is the host of every live run. */
  constructor(worker: WorkerConfig, assigned: Iterable<string>) {
    this.#worker = worker;
    this.#running = countRunsByHost(assigned);
  }

  /** The host the next dispatch would get, or `no_host_capacity`; does not take the slot. */
  choose(preference: HostPreference = ANY_HOST): Result<string, NoHostCapacity> {
    const { configured, caps } = configuredHosts(this.#worker);
    if (configured.length === 0) return ok(LOCAL_HOST_NAME);
    const pick = (hosts: readonly string[]) =>
      chooseHost({
        hosts,
        running: this.#running,
        perHostCap: this.#worker.maxConcurrentAgentsPerHost,
        caps,
        preferred: preference.preferred === preference.avoid ? null : preference.preferred,
      });
    const others = configured.filter((h) => h !== preference.avoid);
    if (others.length === configured.length || others.length === 0) return pick(configured);
    // the unreachable host is only a last resort, when every other host is full
    const elsewhere = pick(others);
    return elsewhere.ok ? elsewhere : pick(configured);
  }

  /** Counts one more run on `host`. */
  take(host: string): void {
    this.#running.set(host, (this.#running.get(host) ?? 0) + 1);
  }
}

/** The configured worker hosts: SSH destinations, or the selected host kind's pool with its caps; none = local. */
export function configuredHosts(worker: WorkerConfig): {
  configured: readonly string[];
  caps: Map<string, number>;
} {
  const caps = new Map<string, number>();
  if (worker.kind === "local") return { configured: [], caps };
  if (worker.pool === undefined) return { configured: worker.sshHosts, caps };
  const configured = worker.pool.map((slot) => {
    if (slot.cap !== null) caps.set(slot.name, slot.cap);
    return slot.name;
  });
  return { configured, caps };
}
