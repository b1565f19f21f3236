import { createHash } from "node:crypto";
import { homedir } from "node:os";
import { basename, dirname, isAbsolute, join } from "node:path";

/** The per-user data directory: `$XDG_DATA_HOME/symphony`, else `~/.local/share/symphony`. */
export function defaultDataDir(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_DATA_HOME;
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, "symphony");
  const home = env.HOME !== undefined && env.HOME !== "" ? env.HOME : homedir();
  return join(home, ".local", "share", "symphony");
}

/** `<data dir>/<workflow folder name>-<8 hex of the workflow path>.db`: one file per workflow. */
export function embeddedStorePath(dataDir: string, workflowPath: string): string {
  const name = basename(dirname(workflowPath)).replace(/[^A-Za-z0-9._-]/g, "_") || "workflow";
  const hash = createHash("sha256").update(workflowPath).digest("hex").slice(0, 8);
  return join(dataDir, `${name}-${hash}.db`);
}

/** A database URL with its password removed, for logs and status pages. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = "";
    return parsed.toString();
  } catch {
    return "(unparsable url)";
  }
}
