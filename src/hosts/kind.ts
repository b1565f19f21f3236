import type { HostSettingsKind } from "../config/kind-settings.js";
import type { WorkerConfig } from "../config/types.js";
import type { CheckResult } from "../domain/doctor-finding.js";
import type { KindRegistry } from "../domain/kind.js";
import type { Logger } from "../domain/logger.js";
import type { Host } from "./host.js";

/** What building a host may use. */
export interface HostDeps {
  /** The parent environment (a host draws its own allow-listed environment from it). */
  readonly parentEnv: NodeJS.ProcessEnv;
  /** `worker.login_shell`: scripts run with `bash -lc` instead of `bash --noprofile --norc -c`. */
  readonly loginShell?: boolean;
}

/** What a host kind's fleet reads: the live config, the workflow file and the service's logger. */
export interface HostFleetDeps {
  /** The current `worker:` section (with the kind's own section when selected); reloads apply. */
  readonly worker: () => WorkerConfig;
  /** The resolved local workspace root (current config). */
  readonly workspaceRoot: () => string;
  /** The workflow file: default labels that tell this service's resources apart derive from it. */
  readonly workflowPath: string;
  readonly logger: Logger;
  /** Grace between asking a process to stop and killing it (kind default when absent). */
  readonly killGraceMs?: number;
}

/**
 * The hosts of a pool-managing kind (Docker engines, a Kubernetes cluster) for one service process: it
 * builds them from the kind's section, sweeps what an earlier process left (startup) and removes what
 * this one still has (stop).
 */
export interface HostFleet {
  /** The host called `name` when this fleet serves it (built on first use), else undefined. */
  host(name: string): Host | undefined;
  /** Removes resources any earlier process of this service left behind (run before dispatching). */
  reapStale(): Promise<void>;
  /** Removes every resource this process still has. */
  close(): Promise<void>;
}

/**
 * One host kind: which host names it serves (`local`; an SSH destination; `docker:<engine>`) and how to
 * build the {@link Host} for a name. Hosts expose capabilities (local filesystem or not, list/exists/
 * realpath, spawn, errors as values), so nothing above them branches on the kind. A kind selected by
 * `worker.kind` may own a settings section (from {@link HostSettingsKind}), a fleet and a doctor probe.
 */
export interface HostKind<Settings = unknown> extends HostSettingsKind<Settings> {
  /** True when this kind serves a host called `name` (the first kind in registry order that does wins). */
  handles(name: string): boolean;
  /** Builds the host for `name`; absent for kinds whose hosts come only from their fleet. */
  create?(name: string, deps: HostDeps): Host;
  /** Opens the kind's fleet (its implementation module loads here, not when the registry is built). */
  fleet?(deps: HostFleetDeps): Promise<HostFleet>;
  /** Doctor's probe of the kind's section when the kind is selected (`worker` carries the section). */
  doctor?(worker: WorkerConfig, timeoutMs: number): Promise<readonly CheckResult[]>;
}

/** The kind serving `name`: the first registered kind whose `handles` accepts it. */
export function hostKindFor(hosts: KindRegistry<HostKind>, name: string): HostKind | undefined {
  for (const kindName of hosts.names) {
    const kind = hosts.get(kindName);
    if (kind?.handles(name)) return kind;
  }
  return undefined;
}
