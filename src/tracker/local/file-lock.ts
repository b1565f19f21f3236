import { link, open, readFile, rename, rm, stat } from "node:fs/promises";
import { messageOf } from "../../domain/errors.js";
import { err, ok, type Result } from "../../domain/result.js";
import { type Clock, systemClock } from "../../util/clock.js";

/** Options for {@link withFileLock}. */
export interface FileLockOptions {
  readonly clock?: Clock;
  /** Give up after waiting this long. Default 10,000 ms. */
  readonly timeoutMs?: number;
  /** A lock older than this whose owner cannot be confirmed alive is broken. Default 30,000 ms. */
  readonly staleMs?: number;
}

/** Why a lock could not be taken. */
export interface LockError {
  readonly kind: "lock_timeout" | "lock_failed";
  readonly path: string;
  readonly message: string;
}

const sleep = (clock: Clock, ms: number): Promise<void> =>
  new Promise((resolve) => {
    clock.setTimer(ms, resolve);
  });

// true when the pid names a live process on this machine (EPERM: alive, someone else's)
function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (cause) {
    return (cause as NodeJS.ErrnoException).code === "EPERM";
  }
}

// A lock is stale when its owner process is gone, or (owner unknown) when it is older than staleMs.
async function isStale(path: string, clock: Clock, staleMs: number): Promise<boolean> {
  const [text, info] = await Promise.all([
    readFile(path, "utf8").catch(() => null),
    stat(path).catch(() => null),
  ]);
  if (info === null) return false; // released meanwhile: just retry
  const pid = Number((text ?? "").split("\n")[0]);
  if (text !== null && text.trim() !== "" && !pidAlive(pid)) return true;
  return clock.now() - info.mtimeMs > staleMs;
}

// Only one breaker wins the rename; the others see ENOENT and retry. If the file renamed away turns out
// to be a fresh lock (another breaker replaced the stale one in between), it is put back with link(),
// which fails rather than overwrite a lock taken meanwhile.
async function breakStale(path: string, clock: Clock, staleMs: number): Promise<void> {
  const aside = `${path}.stale-${process.pid}-${clock.now()}`;
  if (
    !(await rename(path, aside).then(
      () => true,
      () => false,
    ))
  )
    return;
  if (!(await isStale(aside, clock, staleMs))) await link(aside, path).catch(() => {});
  await rm(aside, { force: true });
}

/**
 * Runs `fn` while holding `<path>` as an exclusive lock file (created with O_EXCL, holding the owner's
 * pid), so writers in different processes — the service, `symphony issue …`, another service — never
 * interleave a read-modify-write. A lock left by a dead process (or older than `staleMs` with no
 * readable owner) is broken by renaming it away first, so two waiters cannot both break it.
 */
export async function withFileLock<T>(
  path: string,
  fn: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<Result<T, LockError>> {
  const clock = options.clock ?? systemClock;
  const deadline = clock.now() + (options.timeoutMs ?? 10_000);
  const staleMs = options.staleMs ?? 30_000;
  let delay = 2;
  for (;;) {
    try {
      const handle = await open(path, "wx", 0o600);
      try {
        await handle.writeFile(`${process.pid}\n`);
      } finally {
        await handle.close();
      }
      break;
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== "EEXIST") {
        return err({ kind: "lock_failed", path, message: messageOf(cause) });
      }
    }
    if (await isStale(path, clock, staleMs)) {
      await breakStale(path, clock, staleMs);
      continue;
    }
    if (clock.now() >= deadline) {
      return err({ kind: "lock_timeout", path, message: `${path} is held by another writer` });
    }
    await sleep(clock, delay);
    delay = Math.min(delay * 2, 50);
  }
  try {
    return ok(await fn());
  } finally {
    await rm(path, { force: true });
  }
}
