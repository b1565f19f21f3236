import type { Host } from "../hosts/host.js";

// Git refs plus every file's path, size and mtime outside .git, summed: any edit, new file, commit or
// checkout changes it. GNU find (Linux hosts); a failure yields null and no-progress then never trips.
const FINGERPRINT_SCRIPT = [
  "{ git rev-parse HEAD 2>/dev/null",
  "git for-each-ref --format='%(objectname) %(refname)' 2>/dev/null",
  "find . -path ./.git -prune -o -type f -printf '%P %s %T@\\n' 2>/dev/null | LC_ALL=C sort",
  "} | cksum",
].join("; ");

/** How long a fingerprint may take before it counts as unknown. */
const FINGERPRINT_TIMEOUT_MS = 30_000;

/**
 * A fingerprint of a workspace's content (files and git refs) on its host, or null when it cannot be
 * taken. Two equal fingerprints mean the agent changed nothing in between (no-progress detection).
 */
export async function workspaceFingerprint(
  host: Host,
  path: string,
  signal?: AbortSignal,
): Promise<string | null> {
  const result = await host.runScript(FINGERPRINT_SCRIPT, {
    cwd: path,
    timeoutMs: FINGERPRINT_TIMEOUT_MS,
    env: { PATH: "/usr/local/bin:/usr/bin:/bin", LC_ALL: "C" },
    maxOutputBytes: 256,
    ...(signal === undefined ? {} : { signal }),
  });
  if (result.exitCode !== 0 || result.timedOut || result.aborted) return null;
  const line = result.output.trim();
  return /^\d+ \d+$/.test(line) ? line : null;
}
