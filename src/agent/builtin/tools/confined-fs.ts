import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { type FileHandle, lstat, mkdir, open, realpath, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, relative, sep } from "node:path";
import { err, ok, type Result } from "../../../domain/result.js";
import type { PathRefusal } from "./workspace-path.js";

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_DIRECTORY } = constants;

let pinnedPaths: Promise<boolean> | null = null;

/** True where `/proc/self/fd/N` names an open file (Linux): paths through it cannot be swapped. */
function hasPinnedPaths(): Promise<boolean> {
  pinnedPaths ??= stat("/proc/self/fd").then(
    (info) => info.isDirectory(),
    () => false,
  );
  return pinnedPaths;
}

const inside = (root: string, real: string): boolean =>
  real === root || real.startsWith(root.endsWith(sep) ? root : root + sep);

/** A path through an open descriptor, immune to a directory being swapped for a symlink meanwhile. */
const viaFd = (handle: FileHandle, name?: string): string =>
  name === undefined ? `/proc/self/fd/${handle.fd}` : `/proc/self/fd/${handle.fd}/${name}`;

/**
 * Reads a regular file at `real` (already confined) without following a symlink swapped in since:
 * opened with O_NOFOLLOW, then the open file's own path is checked against the root. A file with
 * more than one hard link is refused (it may be a file outside the workspace under a second name).
 */
export async function readConfined(
  root: string,
  real: string,
  maxBytes: number,
): Promise<Result<Buffer, PathRefusal | { kind: "too_large"; size: number } | { kind: "not_a_file" }>> {
  const handle = await open(real, O_RDONLY | O_NOFOLLOW).catch((cause: NodeJS.ErrnoException) => {
    if (cause.code === "ELOOP") return null;
    throw cause;
  });
  if (handle === null) return err({ kind: "path_changed", path: real });
  try {
    const info = await handle.stat();
    if (!info.isFile()) return err({ kind: "not_a_file" });
    if (info.nlink > 1) return err({ kind: "hard_link", path: relative(root, real) });
    if ((await hasPinnedPaths()) && !inside(root, await realpath(viaFd(handle)))) {
      return err({ kind: "path_changed", path: real });
    }
    if (info.size > maxBytes) return err({ kind: "too_large", size: info.size });
    return ok(await handle.readFile());
  } finally {
    await handle.close();
  }
}

/**
 * Writes `content` to `real` (already confined) so that it cannot land outside `root`: the parent
 * directories are opened one by one from the root with O_NOFOLLOW (a component swapped for a
 * symlink fails), the content goes to a fresh temporary file in that pinned directory, which is then
 * renamed over the target. A hard-linked target is refused; the rename would keep the other name's
 * content, but a second name usually means a file that is not the workspace's.
 */
export async function writeConfined(
  root: string,
  real: string,
  content: string,
): Promise<Result<void, PathRefusal>> {
  if (!(await hasPinnedPaths())) return writeByPath(root, real, content);
  const dir = await openDirectory(root, dirname(real));
  if (!dir.ok) return dir;
  const handle = dir.value;
  const name = basename(real);
  const temp = `.${name}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    const existing = await lstat(viaFd(handle, name)).catch(() => null);
    if (existing !== null && !existing.isFile()) return err({ kind: "path_changed", path: real });
    if (existing !== null && existing.nlink > 1)
      return err({ kind: "hard_link", path: relative(root, real) });
    const file = await open(
      viaFd(handle, temp),
      O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW,
      existing?.mode ?? 0o666,
    );
    try {
      await file.writeFile(content, "utf8");
    } finally {
      await file.close();
    }
    await rename(viaFd(handle, temp), viaFd(handle, name)).catch(async (cause: unknown) => {
      await unlink(viaFd(handle, temp)).catch(() => {});
      throw cause;
    });
    return ok(undefined);
  } finally {
    await handle.close();
  }
}

/** Opens `dir` by walking from `root` one component at a time, creating missing ones, never following a symlink. */
async function openDirectory(root: string, dir: string): Promise<Result<FileHandle, PathRefusal>> {
  if (!inside(root, dir)) return err({ kind: "workspace_escape", path: dir, root });
  let handle: FileHandle | null = await open(root, O_RDONLY | O_DIRECTORY);
  try {
    for (const part of relative(root, dir)
      .split(sep)
      .filter((p) => p !== "")) {
      const path = viaFd(handle, part);
      await mkdir(path).catch((cause: NodeJS.ErrnoException) => {
        if (cause.code !== "EEXIST") throw cause;
      });
      const next: FileHandle | null = await open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW).catch(
        (cause: NodeJS.ErrnoException) => {
          if (cause.code === "ELOOP" || cause.code === "ENOTDIR") return null;
          throw cause;
        },
      );
      await handle.close();
      handle = next;
      if (handle === null) return err({ kind: "path_changed", path: dir });
    }
    const opened = handle;
    handle = null;
    return ok(opened);
  } finally {
    await handle?.close().catch(() => {});
  }
}

/** Where `/proc/self/fd` is missing: temp file + rename by path, with the same refusals (a narrower race remains). */
async function writeByPath(root: string, real: string, content: string): Promise<Result<void, PathRefusal>> {
  await mkdir(dirname(real), { recursive: true });
  if (!inside(root, await realpath(dirname(real)))) return err({ kind: "path_changed", path: real });
  const existing = await lstat(real).catch(() => null);
  if (existing !== null && !existing.isFile()) return err({ kind: "path_changed", path: real });
  if (existing !== null && existing.nlink > 1) return err({ kind: "hard_link", path: relative(root, real) });
  const temp = `${dirname(real)}${sep}.${basename(real)}.${randomBytes(6).toString("hex")}.tmp`;
  const file = await open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, existing?.mode ?? 0o666);
  try {
    await file.writeFile(content, "utf8");
  } finally {
    await file.close();
  }
  await rename(temp, real);
  return ok(undefined);
}
