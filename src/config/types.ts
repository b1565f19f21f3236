import type { PublishSettings } from "../publish/settings.js";
import type { WorkspaceGcSettings } from "../rescue/gc.js";
import type { RescueSettings } from "../rescue/settings.js";
import type { SpendSettings } from "../spend/settings.js";
import type { HostSlot } from "./kind-settings.js";
import type { AgentProfile } from "./profiles.js";

/**
 * The typed, frozen view of WORKFLOW.md front matter that everything past `config/` reads.
 * Field names are camelCase here; WORKFLOW.md uses snake_case (see docs/configuration.md).
 */
export interface ServiceConfig extends BackendSections {
  /** Absolute path of the WORKFLOW.md this config came from. */
  readonly workflowPath: string;
  /** Its directory; relative paths in the file resolve against it. */
  readonly workflowDir: string;
  readonly tracker: TrackerConfig;
  readonly polling: { readonly intervalMs: number };
  /** `profiles:` — other backends selected per issue by label or state (see `chooseProfile`). */
  readonly profiles: readonly AgentProfile[];
  readonly workspace: WorkspaceConfig;
  readonly hooks: HooksConfig;
  readonly agent: AgentConfig;
  readonly server: ServerConfig;
  readonly worker: WorkerConfig;
  /** `limits:` — caps, budgets, no-progress and prices (docs/spend-and-safety.md). */
  readonly limits: SpendSettings;
  readonly store: StoreConfig;
  /** `publish:` — host-side push and PR after a successful run; null/absent → off (docs/orchestration.md). */
  readonly publish?: PublishSettings | null;
  /** Every secret value resolved while loading (API keys, `$VAR` secrets), for log redaction. */
  readonly secretValues: readonly string[];
}

/**
 * Each agent backend's settings section, keyed by its `agent.backend` name (`codex:`, `builtin:`, …).
 * Empty here: every backend adds its entry from its own folder (`declare module` in its `kind.ts`), so
 * config names no backend and {@link ServiceConfig} still carries each section typed by its kind.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging from each backend's folder
export interface BackendSections {}

/** Each tracker's typed `tracker.provider`, keyed by `tracker.kind`; filled from each tracker's folder. */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging from each tracker's folder
export interface TrackerProviders {}

/** A registered `tracker.kind`. */
export type TrackerKindName = keyof TrackerProviders & string;

/** `tracker:` for one kind: scheduling keys plus that kind's parsed provider settings. */
export type TrackerConfigOf<K extends TrackerKindName> = TrackerConfigBase & {
  readonly kind: K;
  /** The kind's settings, parsed by its provider parser (flat Elixir keys folded in). */
  readonly provider: TrackerProviders[K];
};

/** `tracker:` — one of the registered kinds, discriminated by `kind`. */
export type TrackerConfig = { [K in TrackerKindName]: TrackerConfigOf<K> }[TrackerKindName];

/** `tracker:` keys common to every kind. */
export interface TrackerConfigBase {
  readonly activeStates: readonly string[];
  readonly terminalStates: readonly string[];
  /** Normalised (trim + lowercase); a blank entry stays and matches no issue. */
  readonly requiredLabels: readonly string[];
  /** `tracker.webhook_secret` (resolved, a secret); null/absent → the webhook route is disabled. */
  readonly webhookSecret?: string | null;
}

/** `workspace:` */
export interface WorkspaceConfig {
  /** Local root: absolute, `~` expanded, relative paths resolved against the WORKFLOW.md directory. */
  readonly root: string;
  /**
   * The root as written (`$VAR` resolved, `~` and relative paths left alone), for SSH workers, where it
   * is interpreted on the remote host (spec A.1); null when unset (the default root applies).
   */
  readonly rootRaw: string | null;
  /** `workspace.rescue` — unsaved work is saved before any removal (docs/spend-and-safety.md). */
  readonly rescue: RescueSettings;
  /** `workspace.gc` — age and total-size limits on kept workspaces (local host). */
  readonly gc: WorkspaceGcSettings;
}

/** `hooks:` */
export interface HooksConfig {
  readonly afterCreate: string | null;
  readonly beforeRun: string | null;
  readonly afterRun: string | null;
  readonly beforeRemove: string | null;
  readonly timeoutMs: number;
  /** Extra environment names hooks receive on top of the default allow-list (e.g. SSH_AUTH_SOCK, GH_TOKEN). */
  readonly envPassthrough: readonly string[];
}

/** A registered agent backend name (`agent.backend`): the keys of {@link BackendSections}. */
export type AgentBackendName = keyof BackendSections & string;

/** `agent:` */
export interface AgentConfig {
  readonly backend: AgentBackendName;
  readonly maxConcurrentAgents: number;
  readonly maxTurns: number;
  readonly maxRetryBackoffMs: number;
  /**
   * Wall-clock limit of one turn, applied by the runner to every backend: `agent.turn_timeout_ms`, else
   * `codex.turn_timeout_ms` (the spec's key).
   */
  readonly turnTimeoutMs: number;
  /** Keys normalised (trim + lowercase); invalid entries dropped. */
  readonly maxConcurrentAgentsByState: Readonly<Record<string, number>>;
}

/** `server:` — HTTP API + dashboard extension. */
export interface ServerConfig {
  /** Null → disabled unless `--port` is given. */
  readonly port: number | null;
  readonly host: string;
  /** Required when bound to a non-loopback host. */
  readonly authToken: string | null;
  /** `Host` names answered besides loopback names and `host` (DNS-rebinding guard). */
  readonly allowedHosts: readonly string[];
  /** Most concurrent SSE clients. */
  readonly maxSseClients: number;
}

/**
 * Each host kind's own top-level section (`docker:`), keyed by section name; a host kind adds its entry by
 * declaration merging from its folder, so config names no host and {@link WorkerConfig} carries the
 * selected kind's section typed.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging from each host kind's folder
export interface HostSections {}

/** `worker:` — where runs execute: this machine, SSH workers, or the hosts of a host kind (`worker.kind`). */
export interface WorkerConfig extends Partial<HostSections> {
  readonly sshHosts: readonly string[];
  readonly maxConcurrentAgentsPerHost: number | null;
  /** A registered host kind (`local`, `ssh`, …); absent means the `ssh_hosts`/local behaviour. */
  readonly kind?: string;
  /**
   * The hosts the selected kind's section places runs on (e.g. one per Docker engine), present exactly
   * when `kind` names a kind with its own section; absent: `sshHosts` (or local).
   */
  readonly pool?: readonly HostSlot[];
  /** Hooks and agents run in a login shell (`bash -lc`); false: `bash --noprofile --norc -c`. */
  readonly loginShell: boolean;
}

/** `store:` — where durable state (run history, retries, blocked issues, leases) is kept. */
export interface StoreConfig {
  /** A registered store kind (`embedded`, `postgres`; src/kinds.ts). */
  readonly kind: string;
  /** Embedded store file (absolute), null → the default under the data directory. */
  readonly path: string | null;
  /** PostgreSQL connection URL (resolved, a secret). */
  readonly url: string | null;
  /** Null → max(60 s, 3 poll intervals). */
  readonly leaseTtlMs: number | null;
}
