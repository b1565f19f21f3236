import type { z } from "zod";
import type { ConfigProblem } from "../domain/config-problem.js";
import type { Kind, KindRegistry } from "../domain/kind.js";
import type { WorkflowError } from "../domain/workflow-error.js";
import type { ProviderParser } from "./provider.js";
import type { ServiceConfig, StoreConfig } from "./types.js";

/**
 * What config loading needs from a tracker kind (the rest of its definition, e.g. the factory, lives in
 * `src/tracker/kind.ts`). `Settings` is the typed `tracker.provider` of this kind.
 */
export interface TrackerSettingsKind<Settings extends object = object> extends Kind {
  readonly defaultActiveStates: readonly string[];
  readonly defaultTerminalStates: readonly string[];
  /** Parses and validates `tracker.provider` (flat Elixir keys folded in) into the kind's settings. */
  parseProvider(...args: Parameters<ProviderParser<Settings>>): ReturnType<ProviderParser<Settings>>;
  /** Secret values inside the parsed settings, for log redaction. */
  secretValues(settings: Settings): readonly string[];
  /** Errors for state names the kind can never report (e.g. `Todo` on GitHub); absent = any name. */
  validateStates?(
    settings: Settings,
    active: readonly string[],
    terminal: readonly string[],
  ): WorkflowError[];
}

/** What resolving a settings section may use: where relative paths resolve, and the environment. */
export interface SettingsContext {
  readonly workflowDir: string;
  readonly env: NodeJS.ProcessEnv;
}

/** A resolved settings section: the typed settings, the secret values met, and load-time problems. */
export interface ResolvedSection<Settings> {
  readonly settings: Settings;
  readonly secrets: readonly string[];
  /** Shape problems; reported when loading the workflow (only for the selected kind). */
  readonly problems: readonly ConfigProblem[];
}

/**
 * A top-level WORKFLOW.md section owned by one kind (`codex:`, `builtin:`, `command:`, a store's section):
 * its zod schema with defaults (snake_case, as written), and how to turn the parsed value into settings.
 */
export interface SettingsSection<Settings = unknown> {
  /** The top-level WORKFLOW.md key; also the {@link ServiceConfig} field the settings land in. */
  readonly section: string;
  /** Snake_case schema with defaults; a missing section parses as `{}` and gets every default. */
  readonly schema: z.ZodType;
  /** Resolves the parsed section (`$VAR`s, secrets) into typed settings; `selected` = the kind is in use. */
  resolve(parsed: unknown, ctx: SettingsContext, selected: boolean): ResolvedSection<Settings>;
}

/** What config loading needs from an agent backend kind: its settings section and its preflight. */
export interface BackendSettingsKind<Settings = unknown> extends Kind, SettingsSection<Settings> {
  /**
   * Dispatch preflight (spec 6.3): problems with using this backend under `config` beyond shape (run at
   * startup, by `symphony validate` and before every dispatch). Warnings never block.
   */
  check(config: ServiceConfig): readonly ConfigProblem[];
  /** Environment variable names the operator allowed through to this backend's processes. */
  envPassthrough(config: ServiceConfig): readonly string[];
}

/** What config loading needs from a store kind (`store.kind`): its checks of the `store:` section. */
export interface StoreSettingsKind extends Kind {
  /** Problems with the resolved `store:` section for this kind (e.g. a server kind without `store.url`). */
  check(store: StoreConfig): readonly ConfigProblem[];
}

/** One host a pool-managing host kind places runs on, with its own cap (null: the per-host default). */
export interface HostSlot {
  readonly name: string;
  readonly cap: number | null;
}

/**
 * What config loading needs from a host kind (`worker.kind`): optionally its own top-level section
 * (`docker:`), resolved only when the kind is selected, and the hosts that section places runs on.
 */
export interface HostSettingsKind<Settings = unknown> extends Kind {
  readonly settings?: SettingsSection<Settings | null> & {
    /** The hosts runs are placed on under these settings (e.g. one per Docker engine). */
    pool(settings: Settings): readonly HostSlot[];
  };
}

/** The registries config loading consults; assembled in `src/kinds.ts`, so `config/` names no provider. */
export interface ConfigKinds {
  readonly trackers: KindRegistry<TrackerSettingsKind>;
  readonly backends: KindRegistry<BackendSettingsKind>;
  readonly stores: KindRegistry<StoreSettingsKind>;
  readonly hosts: KindRegistry<HostSettingsKind>;
}
