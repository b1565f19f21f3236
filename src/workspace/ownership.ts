import { mkdir, stat } from "node:fs/promises";
import { messageOf, type WorkspaceError } from "../domain/errors.js";
import { err, ok, type Result } from "../domain/result.js";

/** A refusal: the directory could let another local user plant files that Symphony then runs. */
export type UntrustedDir = Extract<WorkspaceError, { kind: "workspace_untrusted" }>;

/** Why a local directory is not trusted to hold workspaces. */
export type UntrustedReason = UntrustedDir["reason"];

/** The uid of this process, or null where uids do not exist (Windows). */
function serviceUid(): number | null {
  return typeof process.getuid === "function" ? process.getuid() : null;
}

/**
 * Checks that a directory (after symlinks) is owned by the service user and writable by nobody else.
 * Another user who can write into the workspace root, or who owns a workspace, can pre-create
 * `<root>/<ID>` with a hook-triggering payload (a `before_run` then runs their code as us).
 */
export async function checkTrustedDir(
  path: string,
): Promise<Result<void, UntrustedDir | { kind: "missing" }>> {
  const uid = serviceUid();
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch {
    return err({ kind: "missing" });
  }
  const mode = info.mode & 0o7777;
  const refuse = (reason: UntrustedReason) =>
    err({ kind: "workspace_untrusted" as const, path, reason, owner: info.uid, serviceUid: uid ?? -1, mode });
  if (!info.isDirectory()) return refuse("not_a_directory");
  if (uid === null) return ok(undefined);
  if (info.uid !== uid) return refuse("foreign_owner");
  if ((mode & 0o002) !== 0) return refuse("world_writable");
  if ((mode & 0o020) !== 0) return refuse("group_writable");
  return ok(undefined);
}

/**
 * Creates a missing local workspace root (and missing parents) with mode 0700, then checks it is
 * trusted. Called before anything is created inside it.
 */
export async function preparePrivateRoot(root: string): Promise<Result<void, WorkspaceError>> {
  try {
    await mkdir(root, { recursive: true, mode: 0o700 });
  } catch (cause) {
    return err({ kind: "workspace_root_invalid", root, message: messageOf(cause) });
  }
  return trusted(root);
}

/** {@link checkTrustedDir} as a workspace result (a vanished directory is a create failure). */
export async function trusted(path: string): Promise<Result<void, WorkspaceError>> {
  const checked = await checkTrustedDir(path);
  if (checked.ok) return checked;
  if (checked.error.kind === "missing") {
    return err({ kind: "workspace_create_failed", path, message: "the directory vanished" });
  }
  return err(checked.error);
}

/** An operator-facing sentence for a refusal, naming the fix. */
export function describeUntrusted(error: UntrustedDir): string {
  const mode = `0${error.mode.toString(8)}`;
  switch (error.reason) {
    case "foreign_owner":
      return `${error.path} is owned by uid ${error.owner}, not by the service user (uid ${error.serviceUid}); another user could plant workspace contents — use a directory the service user owns`;
    case "world_writable":
    case "group_writable":
      return `${error.path} is ${error.reason.replace("_", "-")} (mode ${mode}); other users could plant workspace contents — chmod go-w it or point workspace.root elsewhere`;
    case "not_a_directory":
      return `${error.path} is not a directory`;
    default: {
      const _exhaustive: never = error.reason;
      return String(_exhaustive);
    }
  }
}
