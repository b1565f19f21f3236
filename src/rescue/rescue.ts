import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { messageOf } from "../domain/errors.js";
import { err, ok, type Result } from "../domain/result.js";
import type { Host } from "../hosts/host.js";
import { shellQuote } from "../hosts/ssh-command.js";
import { workspaceKey } from "../workspace/key.js";
import type { RescueSettings } from "./settings.js";

/** One saved workspace: what was saved, where, and how to get it back. */
export interface RescueRecord {
  readonly id: string;
  readonly issueId: string;
  readonly issueIdentifier: string;
  readonly runId: string | null;
  /** Why the workspace was about to go (or the issue was parked). */
  readonly reason: string;
  /** `git`: a bundle with the rescue branch; `archive`: a gzip'd tar of a non-git workspace. */
  readonly kind: "git" | "archive";
  /** Absolute path of the bundle or archive. */
  readonly file: string;
  /** The rescue branch (git only), e.g. `symphony/rescue/ABC-1/ABC-1.mx1.3`. */
  readonly branch: string | null;
  readonly commit: string | null;
  readonly bytes: number;
  readonly host: string;
  readonly workspacePath: string;
  /** ISO time. */
  readonly createdAt: string;
}

/** Why a rescue failed; the workspace is then kept. */
export interface RescueError {
  readonly kind: "rescue_failed" | "rescue_too_large";
  readonly message: string;
}

/** What is being rescued. */
export interface RescueRequest {
  readonly host: Host;
  readonly workspacePath: string;
  readonly issue: { readonly id: string; readonly identifier: string };
  readonly runId: string | null;
  readonly reason: string;
}

const NOTHING_TO_SAVE = 3;

// Runs in the workspace. A git work tree with uncommitted, untracked or unpushed work: the work tree
// (ignored files aside) is committed through a throw-away index — the real index, HEAD and files are
// left untouched — onto the rescue branch, and a bundle of that branch goes to stdout. Anything else
// with files in it goes to stdout as a gzip'd tar. Exit 3: nothing to save. The first stderr line says
// which (`symphony-rescue: git <commit>` / `symphony-rescue: archive`).
function rescueScript(branch: string, message: string): string {
  const ref = shellQuote(`refs/heads/${branch}`);
  return `set -eu
if git rev-parse --is-inside-work-tree >/dev/null 2>&1 && [ "$(git rev-parse --show-toplevel)" = "$(pwd -P)" ]; then
  has_head=0; git rev-parse -q --verify HEAD >/dev/null && has_head=1
  dirty=$(git status --porcelain --untracked-files=all | head -c 1)
  unpushed=0
  if [ "$has_head" = 1 ]; then
    if [ -n "$(git for-each-ref --count=1 refs/remotes)" ]; then unpushed=$(git rev-list --count HEAD --not --remotes); else unpushed=$(git rev-list --count HEAD); fi
  fi
  if [ -z "$dirty" ] && [ "$unpushed" = 0 ]; then exit ${NOTHING_TO_SAVE}; fi
  idx=$(mktemp -u); trap 'rm -f "$idx"' EXIT
  GIT_INDEX_FILE=$idx git add -A .
  tree=$(GIT_INDEX_FILE=$idx git write-tree)
  if [ "$has_head" = 1 ]; then parent="-p HEAD"; else parent=""; fi
  commit=$(git -c user.name=Symphony -c user.email=symphony@localhost commit-tree "$tree" $parent -m ${shellQuote(message)})
  git update-ref ${ref} "$commit"
  echo "symphony-rescue: git $commit" >&2
  git bundle create - ${ref} 2>/dev/null
else
  if [ -z "$(ls -A)" ]; then exit ${NOTHING_TO_SAVE}; fi
  echo "symphony-rescue: archive" >&2
  tar -czf - .
fi
`;
}

/** A rescue id: the issue key, a UTC timestamp and a short random suffix (also the file names). */
function rescueId(identifier: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, "").replace(/\..*$/, "");
  return `${workspaceKey(identifier)}-${stamp}-${randomBytes(2).toString("hex")}`;
}

/**
 * Saves a workspace's unsaved work (docs/spend-and-safety.md): a git bundle of a rescue branch, or an
 * archive of a non-git workspace, under `settings.dir/<issue key>/`, with a JSON record beside it.
 * `ok(null)`: there was nothing to save. An error means the caller must keep the workspace.
 */
export async function rescueWorkspace(
  request: RescueRequest,
  settings: RescueSettings,
  now: Date = new Date(),
): Promise<Result<RescueRecord | null, RescueError>> {
  const { host, workspacePath, issue } = request;
  const id = rescueId(issue.identifier, now);
  const branch = `symphony/rescue/${workspaceKey(issue.identifier)}/${request.runId ?? id}`;
  const folder = join(settings.dir, workspaceKey(issue.identifier));
  try {
    await mkdir(folder, { recursive: true, mode: 0o700 });
  } catch (cause) {
    return err({ kind: "rescue_failed", message: `cannot create ${folder}: ${messageOf(cause)}` });
  }
  const partial = join(folder, `.${id}.partial`);
  const message = `symphony rescue of ${issue.identifier} (${request.reason})`;
  const proc = host.spawn(rescueScript(branch, message), {
    cwd: workspacePath,
    env: { PATH: "/usr/local/bin:/usr/bin:/bin", LC_ALL: "C", HOME: "/nonexistent" },
  });
  // over ssh closing stdin ends the remote command; the script reads nothing, so leave it open there
  if (host.closableStdin) proc.stdin.end();
  let stderr = "";
  proc.stderr.on("data", (chunk: Buffer) => {
    if (stderr.length < 4096) stderr += chunk.toString("utf8");
  });
  const out = createWriteStream(partial, { mode: 0o600 });
  let bytes = 0;
  let tooLarge = false;
  proc.stdout.on("data", (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > settings.maxBytes && !tooLarge) {
      tooLarge = true;
      void proc.kill();
    }
  });
  const written = new Promise<void>((resolve, reject) => {
    out.once("finish", () => resolve());
    out.once("error", reject);
  });
  proc.stdout.pipe(out);
  const exit = await proc.exited;
  try {
    await written;
  } catch (cause) {
    await rm(partial, { force: true });
    return err({ kind: "rescue_failed", message: `cannot write ${partial}: ${messageOf(cause)}` });
  }
  if (exit.code === NOTHING_TO_SAVE) {
    await rm(partial, { force: true });
    return ok(null);
  }
  if (tooLarge) {
    await rm(partial, { force: true });
    return err({
      kind: "rescue_too_large",
      message: `the rescue is larger than workspace.rescue.max_bytes (${settings.maxBytes} bytes)`,
    });
  }
  const header = /symphony-rescue: (git ([0-9a-f]{7,64})|archive)/.exec(stderr);
  if (exit.code !== 0 || header === null) {
    await rm(partial, { force: true });
    const detail = stderr.trim().split("\n").slice(-3).join(" / ");
    return err({
      kind: "rescue_failed",
      message: `rescue script exited ${exit.code ?? exit.signal}: ${detail}`,
    });
  }
  const kind = header[2] === undefined ? "archive" : "git";
  const file = join(folder, `${id}.${kind === "git" ? "bundle" : "tar.gz"}`);
  const record: RescueRecord = {
    id,
    issueId: issue.id,
    issueIdentifier: issue.identifier,
    runId: request.runId,
    reason: request.reason,
    kind,
    file,
    branch: kind === "git" ? branch : null,
    commit: header[2] ?? null,
    bytes: (await stat(partial)).size,
    host: host.name,
    workspacePath,
    createdAt: now.toISOString(),
  };
  try {
    await rename(partial, file);
    await writeFile(join(folder, `${id}.json`), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  } catch (cause) {
    await rm(partial, { force: true });
    return err({ kind: "rescue_failed", message: `cannot keep the rescue: ${messageOf(cause)}` });
  }
  return ok(record);
}

/** Pushes a git rescue's branch to the workspace's `origin` (best effort; the bundle is kept anyway). */
export async function pushRescue(
  record: RescueRecord,
  host: Host,
  env: Readonly<Record<string, string>>,
): Promise<Result<void, string>> {
  if (record.branch === null) return ok(undefined);
  const result = await host.runScript(`git push origin ${shellQuote(`refs/heads/${record.branch}`)}`, {
    cwd: record.workspacePath,
    timeoutMs: 120_000,
    env,
  });
  return result.exitCode === 0 ? ok(undefined) : err(result.output.trim().split("\n").slice(-2).join(" / "));
}

/** The tracker comment that says where rescued work is and the one command that restores it. */
export function rescueComment(record: RescueRecord): string {
  const what =
    record.kind === "git" ? `a git bundle of branch \`${record.branch}\`` : "an archive of the workspace";
  return [
    `Symphony saved unsaved work from this issue's workspace before ${record.reason}: ${what} (${record.bytes} bytes) at \`${record.file}\`.`,
    `Restore it with: \`symphony rescue restore ${record.id}\``,
  ].join("\n\n");
}
