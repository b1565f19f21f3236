import { messageOf } from "../domain/errors.js";

/** Why the store could not do something. */
export type StoreErrorCode =
  | "store_config"
  | "store_unreachable"
  | "store_locked"
  | "store_corrupt"
  | "store_schema_newer"
  | "store_disk_full"
  | "store_failed";

/** A store failure as a value; `retryable` says whether trying the same write later may succeed. */
export interface StoreError {
  readonly code: StoreErrorCode;
  readonly message: string;
  readonly retryable: boolean;
  readonly cause?: unknown;
}

/** A store error with its code, message and retryability. */
export function storeError(code: StoreErrorCode, message: string, cause?: unknown): StoreError {
  const retryable = code === "store_unreachable" || code === "store_disk_full" || code === "store_failed";
  return cause === undefined ? { code, message, retryable } : { code, message, retryable, cause };
}

/** Thrown inside the store to carry a typed error out of a transaction. */
export class StoreFault extends Error {
  /** The typed error. */
  readonly error: StoreError;

  constructor(error: StoreError) {
    super(error.message);
    this.error = error;
  }
}

const SQLITE_CODES: Readonly<Record<string, StoreErrorCode>> = {
  SQLITE_NOTADB: "store_corrupt",
  SQLITE_CORRUPT: "store_corrupt",
  SQLITE_FULL: "store_disk_full",
  SQLITE_BUSY: "store_locked",
  SQLITE_LOCKED: "store_locked",
  SQLITE_CANTOPEN: "store_unreachable",
  SQLITE_IOERR: "store_failed",
  SQLITE_READONLY: "store_failed",
};

/** Classifies a driver failure once, at the boundary, by its error code (never by its message). */
export function classifyStoreFailure(cause: unknown): StoreError {
  if (cause instanceof StoreFault) return cause.error;
  const code = (cause as { code?: unknown } | null)?.code;
  const text = messageOf(cause);
  if (typeof code === "string") {
    const sqlite = Object.entries(SQLITE_CODES).find(([prefix]) => code.startsWith(prefix));
    if (sqlite !== undefined) return storeError(sqlite[1], text, cause);
    if (code === "ENOSPC" || code === "53100") return storeError("store_disk_full", text, cause);
    if (code === "EACCES" || code === "EROFS") return storeError("store_failed", text, cause);
    // node socket errors and PostgreSQL class 08 (connection), 57P0x (shutdown), 53300 (too many clients)
    if (/^(ECONN|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE|08|57P0|53300)/.test(code)) {
      return storeError("store_unreachable", text, cause);
    }
  }
  // pg reports a dropped connection without a code
  if (/Connection terminated|connection timeout|Client has encountered a connection error/i.test(text)) {
    return storeError("store_unreachable", text, cause);
  }
  return storeError("store_failed", text, cause);
}
