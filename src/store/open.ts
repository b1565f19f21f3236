import type { StoreConfig } from "../config/types.js";
import type { KindRegistry } from "../domain/kind.js";
import type { Logger } from "../domain/logger.js";
import { err, ok, type Result } from "../domain/result.js";
import type { Clock } from "../util/clock.js";
import { type LogFilesOf, StoreJournal } from "./journal.js";
import type { StoreKind, StoreTarget } from "./kind.js";
import { migrate, type SchemaStatus, schemaStatus } from "./migrations.js";
import type { SqlDriver } from "./sql-driver.js";
import { SqlStore } from "./sql-store.js";
import { classifyStoreFailure, type StoreError, storeError } from "./store-error.js";
import { newWorkerId } from "./worker-id.js";

export type { StoreContext, StoreKind, StoreTarget } from "./kind.js";
export { holderMayRun, newWorkerId } from "./worker-id.js";

/** Resolves `store.*` (and `--data-dir`) to a target through the configured store kind. */
export function storeTarget(
  config: StoreConfig,
  workflowPath: string,
  env: NodeJS.ProcessEnv,
  dataDir: string | null,
  stores: KindRegistry<StoreKind>,
): Result<StoreTarget, StoreError> {
  const kind = stores.get(config.kind);
  if (kind === undefined)
    return err(storeError("store_config", `store.kind must be one of ${stores.names.join(", ")}`));
  return kind.target(config, { workflowPath, env, dataDir });
}

/** Lease lifetime: the configured value, but never under max(60 s, 3 poll intervals). */
export function leaseTtlMs(config: StoreConfig, pollIntervalMs: number): number {
  const floor = Math.max(60_000, 3 * pollIntervalMs);
  return Math.max(config.leaseTtlMs ?? floor, floor);
}

/** Opens the driver and brings the schema up to date (or reports the typed failure). */
export async function openMigrated(
  target: StoreTarget,
  now: number,
): Promise<Result<{ db: SqlDriver; status: SchemaStatus }, StoreError>> {
  let db: SqlDriver;
  try {
    db = await target.open();
  } catch (cause) {
    return err(classifyStoreFailure(cause));
  }
  try {
    return ok({ db, status: await migrate(db, now) });
  } catch (cause) {
    await db.close().catch(() => {});
    return err(classifyStoreFailure(cause));
  }
}

/** Reads the schema status without changing anything. */
export async function readStatus(target: StoreTarget): Promise<Result<SchemaStatus, StoreError>> {
  try {
    const db = await target.open();
    try {
      return ok(await schemaStatus(db));
    } finally {
      await db.close();
    }
  } catch (cause) {
    return err(classifyStoreFailure(cause));
  }
}

/** What the service opens its journal with. */
export interface OpenJournalOptions {
  readonly config: StoreConfig;
  readonly workflowPath: string;
  readonly env: NodeJS.ProcessEnv;
  readonly dataDir: string | null;
  readonly pollIntervalMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly logFiles?: LogFilesOf;
  /** The store kinds (`STORES` from src/kinds.ts). */
  readonly stores: KindRegistry<StoreKind>;
}

/**
 * Opens the configured store for a service. Refuses (error) what must not be run past: an embedded
 * file another live process uses, a schema newer than this code, a bad config. Anything else (a
 * corrupt file, a server that is down) yields a journal that reports the failure and keeps
 * scheduling from memory — for a shared store that means not dispatching until it is back.
 */
export async function openJournal(o: OpenJournalOptions): Promise<Result<StoreJournal, StoreError>> {
  const target = storeTarget(o.config, o.workflowPath, o.env, o.dataDir, o.stores);
  if (!target.ok) return target;
  const kind = o.stores.get(o.config.kind) as StoreKind; // storeTarget found it
  const lock = target.value.lock?.() ?? ok({ release: () => {} });
  if (!lock.ok) return lock;
  const opened = await openMigrated(target.value, o.clock.now());
  if (!opened.ok && (opened.error.code === "store_schema_newer" || opened.error.code === "store_locked")) {
    lock.value.release();
    return opened;
  }
  const workerId = newWorkerId();
  return ok(
    new StoreJournal({
      store: opened.ok
        ? new SqlStore(opened.value.db, workerId, kind.holderAlive, kind.leftoversRunning)
        : null,
      openError: opened.ok ? null : opened.error,
      kind: target.value.kind,
      location: target.value.location,
      shared: kind.shared,
      workerId,
      leaseTtlMs: leaseTtlMs(o.config, o.pollIntervalMs),
      clock: o.clock,
      logger: o.logger,
      ...(o.logFiles === undefined ? {} : { logFiles: o.logFiles }),
      onClose: () => lock.value.release(),
    }),
  );
}
