import { mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import type { StoreConfig } from "../config/types.js";
import type { Logger } from "../domain/logger.js";
import { err, ok, type Result } from "../domain/result.js";
import type { Clock } from "../util/clock.js";
import { type LogFilesOf, StoreJournal } from "./journal.js";
import { openLibsqlDriver } from "./libsql-driver.js";
import { defaultDataDir, embeddedStorePath, redactedUrl } from "./location.js";
import { lockEmbeddedFile } from "./lock-file.js";
import { migrate, type SchemaStatus, schemaStatus } from "./migrations.js";
import { openPgDriver } from "./pg-driver.js";
import type { SqlDriver } from "./sql-driver.js";
import { SqlStore } from "./sql-store.js";
import { classifyStoreFailure, type StoreError, storeError } from "./store-error.js";

/** Where the store is, before opening it. */
export interface StoreTarget {
  readonly kind: "embedded" | "postgres";
  /** File path (embedded) or the URL without its password (postgres). */
  readonly location: string;
  readonly open: () => Promise<SqlDriver>;
  /** Embedded only: the single-instance lock. */
  readonly lock: (() => Result<{ release(): void }, StoreError>) | null;
}

/** Resolves `store.*` (and `--data-dir`) to a target. */
export function storeTarget(
  config: StoreConfig,
  workflowPath: string,
  env: NodeJS.ProcessEnv,
  dataDir: string | null,
): Result<StoreTarget, StoreError> {
  if (config.kind === "postgres") {
    const url = config.url;
    if (url === null || url === "")
      return err(storeError("store_config", "store.url is required for postgres"));
    return ok({ kind: "postgres", location: redactedUrl(url), open: () => openPgDriver(url), lock: null });
  }
  const file = config.path ?? embeddedStorePath(dataDir ?? defaultDataDir(env), workflowPath);
  return ok({
    kind: "embedded",
    location: file,
    open: async () => {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      return openLibsqlDriver(file);
    },
    lock: () => {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      return lockEmbeddedFile(file);
    },
  });
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

/** A new instance id: `<hostname>:<pid>:<random>`. */
export function newWorkerId(): string {
  return `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 6)}`;
}

/**
 * Whether the instance behind a worker id may still run: false only when it was on this host and
 * its pid is gone (a restart after kill -9 need not wait for the lease to expire). Elsewhere, or
 * when the pid exists (maybe reused), the lease stands until it expires.
 */
export function holderMayRun(workerId: string): boolean {
  const [host, pid] = workerId.split(":");
  if (host !== hostname() || pid === undefined || !/^\d+$/.test(pid)) return true;
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch (cause) {
    return (cause as { code?: string }).code === "EPERM";
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
}

/**
 * Opens the configured store for a service. Refuses (error) what must not be run past: an embedded
 * file another live process uses, a schema newer than this code, a bad config. Anything else (a
 * corrupt file, a server that is down) yields a journal that reports the failure and keeps
 * scheduling from memory — for a shared store that means not dispatching until it is back.
 */
export async function openJournal(o: OpenJournalOptions): Promise<Result<StoreJournal, StoreError>> {
  const target = storeTarget(o.config, o.workflowPath, o.env, o.dataDir);
  if (!target.ok) return target;
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
        ? new SqlStore(
            opened.value.db,
            workerId,
            target.value.kind === "embedded" ? () => false : holderMayRun,
          )
        : null,
      openError: opened.ok ? null : opened.error,
      kind: target.value.kind,
      location: target.value.location,
      shared: target.value.kind === "postgres",
      workerId,
      leaseTtlMs: leaseTtlMs(o.config, o.pollIntervalMs),
      clock: o.clock,
      logger: o.logger,
      ...(o.logFiles === undefined ? {} : { logFiles: o.logFiles }),
      onClose: () => lock.value.release(),
    }),
  );
}
