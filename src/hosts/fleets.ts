import type { KindRegistry } from "../domain/kind.js";
import type { HostFleet, HostFleetDeps, HostKind } from "./kind.js";

/** The fleets of every host kind that has one, opened together; the selected kind's sweeps run at startup. */
export interface HostFleets extends HostFleet {
  /** Sweeps leftovers of the fleet of `kind` (the configured `worker.kind`), if that kind has a fleet. */
  reapStaleOf(kind: string | undefined): Promise<void>;
}

/** Opens each kind's fleet (loading its module); names go to the first fleet that serves them. */
export async function openHostFleets(
  hosts: KindRegistry<HostKind>,
  deps: HostFleetDeps,
): Promise<HostFleets> {
  const fleets = new Map<string, HostFleet>();
  for (const name of hosts.names) {
    const kind = hosts.get(name);
    if (kind?.fleet !== undefined) fleets.set(name, await kind.fleet(deps));
  }
  return {
    host(name) {
      for (const fleet of fleets.values()) {
        const host = fleet.host(name);
        if (host !== undefined) return host;
      }
      return undefined;
    },
    async reapStale() {
      await Promise.all([...fleets.values()].map((fleet) => fleet.reapStale()));
    },
    async reapStaleOf(kind) {
      if (kind !== undefined) await fleets.get(kind)?.reapStale();
    },
    async close() {
      await Promise.all([...fleets.values()].map((fleet) => fleet.close()));
    },
  };
}
