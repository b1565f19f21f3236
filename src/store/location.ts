import { createHash } from "node:crypto";
import { basename, dirname, join } from "node:path";

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
