import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { checkTrustedDir, describeUntrusted } from "../../workspace/ownership.js";
import { type CheckResult, result } from "./check.js";

/**
 * The workspace root and every workspace in it belong to the service user and are writable by nobody
 * else; the service refuses to use them otherwise (a planted `<root>/<ID>` would run as us). A root
 * that does not exist yet is fine: the service creates it with mode 0700.
 */
export async function checkWorkspaceOwnership(root: string): Promise<CheckResult[]> {
  const rootCheck = await checkTrustedDir(root);
  if (!rootCheck.ok && rootCheck.error.kind === "missing") {
    return [
      result("workspace ownership", "ok", `${root} does not exist yet; it will be created with mode 0700`),
    ];
  }
  if (!rootCheck.ok && rootCheck.error.kind === "workspace_untrusted") {
    return [result("workspace ownership", "fail", describeUntrusted(rootCheck.error), fixFor(root))];
  }
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  const out: CheckResult[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const checked = await checkTrustedDir(join(root, entry.name));
    if (!checked.ok && checked.error.kind === "workspace_untrusted") {
      out.push(
        result(
          "workspace ownership",
          "fail",
          describeUntrusted(checked.error),
          fixFor(join(root, entry.name)),
        ),
      );
    }
  }
  if (out.length > 0) return out;
  return [result("workspace ownership", "ok", `${root} and its workspaces belong to the service user only`)];
}

const fixFor = (path: string): string =>
  `inspect ${path}; if it is yours, chown it to the service user and chmod go-w, else remove it`;
