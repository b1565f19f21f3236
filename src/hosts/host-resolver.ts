import type { Host } from "./host.js";

/** The name runs on the orchestrator's own machine carry (and the local host's `name`). */
export const LOCAL_HOST_NAME = "local";

/** Turns a host name recorded on a run (`local` or an SSH destination) into the `Host` that runs there. */
export type HostResolver = (name: string) => Host;

/**
 * A resolver over one local host and SSH hosts made on first use, one per destination, so every run on a
 * destination shares its settings. The factory may throw on an invalid destination (config load refuses those).
 */
export function createHostResolver(local: Host, ssh: (destination: string) => Host): HostResolver {
  const remote = new Map<string, Host>();
  return (name) => {
    if (name === LOCAL_HOST_NAME) return local;
    let host = remote.get(name);
    if (host === undefined) {
      host = ssh(name);
      remote.set(name, host);
    }
    return host;
  };
}

/** True for the local host (paths are local and can be resolved with `realpath`). */
export function isLocalHost(host: Pick<Host, "name">): boolean {
  return host.name === LOCAL_HOST_NAME;
}
