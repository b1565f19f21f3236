import { lstat, realpath } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { err, ok, type Result } from "../../../domain/result.js";

/** Why a path the model asked for was refused; carries data, not a sentence. */
export type PathRefusal =
  | { readonly kind: "workspace_escape"; readonly path: string; readonly root: string }
  | { readonly kind: "dangling_symlink"; readonly path: string }
  | { readonly kind: "hard_link"; readonly path: string }
  | { readonly kind: "path_changed"; readonly path: string };

/** A path resolved inside the workspace: `real` is what to open, `display` is workspace-relative. */
export interface ConfinedPath {
  readonly real: string;
  readonly display: string;
}

/** Renders a refusal as the one line the model reads. */
export function describeRefusal(refusal: PathRefusal): string {
  switch (refusal.kind) {
    case "workspace_escape":
      return `path ${JSON.stringify(refusal.path)} is outside the workspace; only paths inside the workspace are allowed`;
    case "dangling_symlink":
      return `path ${JSON.stringify(refusal.path)} is a symlink whose target does not exist`;
    case "hard_link":
      return `path ${JSON.stringify(refusal.path)} is a hard link (the file has other names, maybe outside the workspace); refused`;
    case "path_changed":
      return `path ${JSON.stringify(refusal.path)} changed while it was being opened (a directory was replaced by a symlink?); refused`;
    default: {
      const _exhaustive: never = refusal;
      return String(_exhaustive);
    }
  }
}

/**
 * Resolves `requested` (relative to the workspace, or absolute) to a real path inside `root`.
 * Symlinks in the existing part of the path are followed; a path that lands outside the real
 * workspace root is refused. `root` must already be a real path.
 */
export async function confinePath(
  root: string,
  requested: string,
): Promise<Result<ConfinedPath, PathRefusal>> {
  const lexical = isAbsolute(requested) ? resolve(requested) : resolve(root, requested);
  const real = await realTail(lexical);
  if (real === null) return err({ kind: "dangling_symlink", path: requested });
  if (real !== root && !real.startsWith(root.endsWith(sep) ? root : root + sep)) {
    return err({ kind: "workspace_escape", path: requested, root });
  }
  const display = relative(root, real) || ".";
  return ok({ real, display });
}

/** Real path of `path`, following symlinks through its longest existing prefix; null on a dangling link. */
async function realTail(path: string): Promise<string | null> {
  const missing: string[] = [];
  let current = path;
  for (;;) {
    try {
      const real = await realpath(current);
      return missing.length === 0 ? real : join(real, ...missing.reverse());
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== "ENOENT") throw cause;
      // a name that exists but cannot be resolved is a dangling symlink: writing through it
      // would create its target, wherever that is
      const exists = await lstat(current).then(
        () => true,
        () => false,
      );
      if (exists) return null;
      const parent = dirname(current);
      if (parent === current) return path;
      missing.push(basename(current));
      current = parent;
    }
  }
}
