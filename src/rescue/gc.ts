import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "../domain/logger.js";

/** `workspace.gc` — limits on workspaces kept on disk (local host). */
export interface WorkspaceGcSettings {
  /** Workspaces untouched for longer than this are removed (through the rescue); `unlimited` keeps them. */
  readonly maxAgeMs: number | "unlimited";
  /** Above this many bytes in all, the oldest workspaces are removed first; `unlimited` never. */
  readonly maxTotalBytes: number | "unlimited";
}

/** One workspace on disk. */
export interface KeptWorkspace {
  readonly key: string;
  readonly path: string;
  readonly bytes: number;
  /** Newest modification time of anything in it (epoch ms). */
  readonly touchedAt: number;
}

// Walks a directory for its size and newest mtime; symlinks are not followed.
async function measure(path: string): Promise<{ bytes: number; touchedAt: number }> {
  let bytes = 0;
  let touchedAt = 0;
  const stack = [path];
  while (stack.length > 0) {
    const dir = stack.pop() as string;
    const info = await stat(dir).catch(() => null);
    if (info !== null) touchedAt = Math.max(touchedAt, info.mtimeMs);
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else if (entry.isFile()) {
        const s = await stat(full).catch(() => null);
        if (s !== null) {
          bytes += s.size;
          touchedAt = Math.max(touchedAt, s.mtimeMs);
        }
      }
    }
  }
  return { bytes, touchedAt };
}

/** Every workspace directory under `root` with its size and last change. */
export async function keptWorkspaces(root: string): Promise<KeptWorkspace[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  const out: KeptWorkspace[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const path = join(root, entry.name);
    out.push({ key: entry.name, path, ...(await measure(path)) });
  }
  return out;
}

/**
 * Which kept workspaces to remove, oldest first: every one past the age limit, then more until the total
 * fits the size limit. Workspaces in `live` (running, retrying, blocked or parked issues) are never chosen.
 */
export function workspacesToCollect(
  kept: readonly KeptWorkspace[],
  live: ReadonlySet<string>,
  settings: WorkspaceGcSettings,
  now: number,
): KeptWorkspace[] {
  const candidates = kept.filter((w) => !live.has(w.key)).sort((a, b) => a.touchedAt - b.touchedAt);
  const chosen = new Set<KeptWorkspace>();
  if (settings.maxAgeMs !== "unlimited") {
    for (const w of candidates) if (now - w.touchedAt > settings.maxAgeMs) chosen.add(w);
  }
  if (settings.maxTotalBytes !== "unlimited") {
    let total = kept.reduce((sum, w) => sum + w.bytes, 0) - [...chosen].reduce((sum, w) => sum + w.bytes, 0);
    for (const w of candidates) {
      if (total <= settings.maxTotalBytes) break;
      if (chosen.has(w)) continue;
      chosen.add(w);
      total -= w.bytes;
    }
  }
  return candidates.filter((w) => chosen.has(w));
}

/** Logs what a collection pass chose (one line per workspace, then a summary). */
export function logCollection(logger: Logger, chosen: readonly KeptWorkspace[]): void {
  for (const w of chosen) {
    logger.info("workspace collected", {
      path: w.path,
      bytes: w.bytes,
      touched_at: new Date(w.touchedAt).toISOString(),
    });
  }
}
