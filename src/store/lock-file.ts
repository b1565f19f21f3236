import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { err, ok, type Result } from "../domain/result.js";
import { type StoreError, storeError } from "./store-error.js";

/** Who holds an embedded store file. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (cause) {
    return (cause as { code?: string }).code === "EPERM";
  }
}

function holderOf(path: string): LockHolder | null {
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<LockHolder>;
    if (typeof parsed.pid !== "number" || typeof parsed.host !== "string") return null;
    return { pid: parsed.pid, host: parsed.host };
  } catch {
    return null;
  }
}

/**
 * Takes `<file>.lock` so one process at a time uses an embedded store. A lock left by a process
 * that is gone (SIGKILL, crash) is taken over; one held by a live process is a `store_locked` error.
 */
export function lockEmbeddedFile(file: string): Result<{ release(): void }, StoreError> {
  const path = `${file}.lock`;
  const me: LockHolder = { pid: process.pid, host: hostname() };
  for (let tries = 0; tries < 2; tries += 1) {
    try {
      writeFileSync(path, JSON.stringify(me), { flag: "wx", mode: 0o600 });
      return ok({ release: () => rmSync(path, { force: true }) });
    } catch (cause) {
      if ((cause as { code?: string }).code !== "EEXIST") {
        return err(storeError("store_failed", `cannot create ${path}: ${(cause as Error).message}`, cause));
      }
    }
    const holder = holderOf(path);
    if (holder !== null && holder.host === me.host && alive(holder.pid)) {
      return err(
        storeError(
          "store_locked",
          `${file} is in use by process ${holder.pid}; one instance per embedded store`,
        ),
      );
    }
    rmSync(path, { force: true });
  }
  return err(storeError("store_locked", `could not take ${path}`));
}
