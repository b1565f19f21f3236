import { mkdir, rm, stat, statfs, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { messageOf } from "../../domain/errors.js";
import { type CheckResult, result } from "./check.js";

/** Below this much free space the workspace root gets a warning. */
export const LOW_DISK_BYTES = 1024 ** 3;

function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

/**
 * `mkdir -p` one level at a time from the nearest existing ancestor; returns the first directory it
 * created. (Node's recursive mkdir can spin forever on pseudo file systems such as /proc.)
 */
async function makeDirs(path: string): Promise<string | undefined> {
  const missing: string[] = [];
  let at = resolve(path);
  while ((await stat(at).catch(() => null)) === null) {
    missing.unshift(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  try {
    for (const dir of missing) await mkdir(dir);
  } catch (cause) {
    if (missing[0] !== undefined) await rm(missing[0], { recursive: true, force: true });
    throw cause;
  }
  return missing[0];
}

/**
 * A directory Symphony writes into exists or can be created, is a directory and is writable (a probe
 * file is created and removed). With `diskSpace`, warns when less than 1 GiB is free there. A directory
 * the check had to create is removed again: doctor leaves the machine as it found it.
 */
export async function checkWritableDir(
  name: string,
  key: string,
  path: string,
  options: { readonly diskSpace?: boolean } = {},
): Promise<CheckResult> {
  let created: string | undefined;
  try {
    return await probeDir(name, key, path, options, (first) => {
      created = first;
    });
  } finally {
    if (created !== undefined) await rm(created, { recursive: true, force: true });
  }
}

async function probeDir(
  name: string,
  key: string,
  path: string,
  options: { readonly diskSpace?: boolean },
  onCreated: (first: string | undefined) => void,
): Promise<CheckResult> {
  try {
    onCreated(await makeDirs(path));
  } catch (cause) {
    return result(
      name,
      "fail",
      `${path} cannot be created: ${messageOf(cause)}`,
      `point ${key} at a directory the service user can create, or create it first`,
    );
  }
  const info = await stat(path).catch(() => null);
  if (info === null || !info.isDirectory()) {
    return result(name, "fail", `${path} is not a directory`, `point ${key} at a directory`);
  }
  const probe = join(path, `.symphony-doctor-${process.pid}-${Date.now()}`);
  try {
    await writeFile(probe, "probe\n");
  } catch (cause) {
    return result(
      name,
      "fail",
      `${path} is not writable: ${messageOf(cause)}`,
      `give the service user write access (chown/chmod ${path})`,
    );
  } finally {
    await rm(probe, { force: true });
  }
  if (options.diskSpace !== true) return result(name, "ok", `${path} is a writable directory`);
  const fs = await statfs(path).catch(() => null);
  if (fs === null) return result(name, "warn", `${path} is writable; free space unknown`);
  const free = fs.bavail * fs.bsize;
  return free < LOW_DISK_BYTES
    ? result(
        name,
        "warn",
        `${path} is writable but only ${gib(free)} is free`,
        "free disk space or move the workspace root; each issue clones into it",
      )
    : result(name, "ok", `${path} is writable, ${gib(free)} free`);
}
