import type { Kind, KindRegistry } from "../domain/kind.js";
import type { Host } from "./host.js";

/** What building a host may use. */
export interface HostDeps {
  /** The parent environment (a host draws its own allow-listed environment from it). */
  readonly parentEnv: NodeJS.ProcessEnv;
  /** `worker.login_shell`: scripts run with `bash -lc` instead of `bash --noprofile --norc -c`. */
  readonly loginShell?: boolean;
}

/**
 * One host kind: which host names it serves (`local`; an SSH destination; later `docker:…`) and how to
 * build the {@link Host} for a name. Hosts expose capabilities (local filesystem or not, list/exists/
 * realpath, spawn, errors as values), so nothing above them branches on the kind.
 */
export interface HostKind extends Kind {
  /** True when this kind serves a host called `name` (the first kind in registry order that does wins). */
  handles(name: string): boolean;
  create(name: string, deps: HostDeps): Host;
}

/** The kind serving `name`: the first registered kind whose `handles` accepts it. */
export function hostKindFor(hosts: KindRegistry<HostKind>, name: string): HostKind | undefined {
  for (const kindName of hosts.names) {
    const kind = hosts.get(kindName);
    if (kind?.handles(name)) return kind;
  }
  return undefined;
}
