import type { StoreSettingsKind } from "../config/kind-settings.js";
import type { StoreConfig } from "../config/types.js";
import type { Result } from "../domain/result.js";
import type { SqlDriver } from "./sql-driver.js";
import type { StoreError } from "./store-error.js";

/** Where the store is, before opening it. */
export interface StoreTarget {
  /** The store kind's name. */
  readonly kind: string;
  /** File path (embedded) or the URL without its password (a server). */
  readonly location: string;
  readonly open: () => Promise<SqlDriver>;
  /** A single-instance store's lock (one process per file); null when instances share the store. */
  readonly lock: (() => Result<{ release(): void }, StoreError>) | null;
}

/** What resolving a target may use besides `store:`. */
export interface StoreContext {
  readonly workflowPath: string;
  readonly env: NodeJS.ProcessEnv;
  /** `--data-dir`; null → the per-user default. */
  readonly dataDir: string | null;
}

/**
 * One store kind (`store.kind`): how its `store:` settings are checked, where it is, and whether several
 * service instances share it. Every kind speaks the portable SQL of `SqlDriver`; drivers load only when
 * the store is opened.
 */
export interface StoreKind extends StoreSettingsKind {
  /** Instances share it: a claim must be granted by the store (a lease) before any dispatch. */
  readonly shared: boolean;
  /** Where the configured store is. */
  target(config: StoreConfig, ctx: StoreContext): Result<StoreTarget, StoreError>;
  /** Whether the instance behind another worker id may still hold its leases (see `holderMayRun`). */
  holderAlive(workerId: string): boolean;
  /**
   * True while processes a dead instance started are still found (and being killed): its issues are
   * not taken over, however old its leases, until they are gone (see `sweepDeadInstance`).
   */
  readonly leftoversRunning?: (workerId: string) => boolean;
}
