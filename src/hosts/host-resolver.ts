import type { KindRegistry } from "../domain/kind.js";
import type { Host } from "./host.js";
import { type HostDeps, type HostKind, hostKindFor } from "./kind.js";

/** The name runs on the orchestrator's own machine carry (and the local host's `name`). */
export const LOCAL_HOST_NAME = "local";

/** Turns a host name recorded on a run (`local` or an SSH destination) into the `Host` that runs there. */
export type HostResolver = (name: string) => Host;

/**
 * A resolver over the host kinds: each name is built by the first kind that handles it, on first use,
 * and kept, so every run on a host shares it. `overrides` replace the kind for a name (tests inject hosts;
 * the service serves the hosts of its kinds' fleets); a `remote` override that returns undefined leaves the
 * name to the kinds. An unhandled name, or one whose kind builds hosts only through its fleet, throws
 * (config load refuses invalid `worker.ssh_hosts`).
 */
export function createHostResolver(
  hosts: KindRegistry<HostKind>,
  deps: HostDeps,
  overrides: { readonly local?: Host; readonly remote?: (name: string) => Host | undefined } = {},
): HostResolver {
  const built = new Map<string, Host>();
  if (overrides.local !== undefined) built.set(LOCAL_HOST_NAME, overrides.local);
  return (name) => {
    let host = built.get(name);
    if (host === undefined) {
      if (name !== LOCAL_HOST_NAME) host = overrides.remote?.(name);
      if (host === undefined) {
        const kind = hostKindFor(hosts, name);
        if (kind?.create === undefined) throw new TypeError(`no host kind serves ${JSON.stringify(name)}`);
        host = kind.create(name, deps);
      }
      built.set(name, host);
    }
    return host;
  };
}
