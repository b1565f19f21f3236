import { createHash } from "node:crypto";

/** Longest sanitised prefix kept in a key; longer identifiers are cut and always get the hash suffix. */
const MAX_PREFIX = 120;

/**
 * Derives the workspace directory name for an issue identifier (spec 4.2, 9.5).
 * Characters outside `[A-Za-z0-9._-]` become `_`; when that (or truncation, or a dot-only name)
 * changed the identifier, `--` plus 16 hex digits (64 bits) of SHA-256 of the original is appended,
 * so distinct identifiers never share a workspace.
 */
export function workspaceKey(identifier: string): string {
  let key = identifier.replace(/[^A-Za-z0-9._-]/g, "_");
  let changed = key !== identifier;
  if (key.length > MAX_PREFIX) {
    key = key.slice(0, MAX_PREFIX);
    changed = true;
  }
  // "", "." and ".." would name the root or its parent.
  if (/^\.*$/.test(key)) {
    key = key.replace(/\./g, "_") || "issue";
    changed = true;
  }
  if (!changed) return key;
  const hash = createHash("sha256").update(identifier, "utf8").digest("hex").slice(0, 16);
  return `${key}--${hash}`;
}
