import { join, resolve } from "node:path";
import { findRescue, listRescues, restoreRescue } from "../rescue/catalog.js";
import type { RescueRecord } from "../rescue/rescue.js";
import { defaultDataDir } from "../util/data-dir.js";
import { loadWorkflow } from "../workflow/loader.js";
import { resolveWorkflowPath } from "../workflow/workflow-path.js";
import type { CliIo } from "./io.js";

/** Where to look for rescues: a directory, or the workflow naming one. */
export interface WhereFlags {
  readonly dir?: string;
  readonly workflow?: string;
}

/**
 * Where rescues are kept: `--dir`, else the WORKFLOW.md's `workspace.rescue.dir`, else the default
 * data directory (when the workflow cannot be loaded, which `list` then says).
 */
function rescueDir(flags: WhereFlags, io: CliIo): { readonly dir: string; readonly note: string | null } {
  if (flags.dir !== undefined) return { dir: resolve(io.cwd, flags.dir), note: null };
  const path = resolveWorkflowPath(flags.workflow, io.cwd);
  const loaded = loadWorkflow(path, { env: io.env });
  if (loaded.ok) return { dir: loaded.value.config.workspace.rescue.dir, note: null };
  const dir = join(defaultDataDir(io.env), "rescue");
  return {
    dir,
    note: `could not load ${path} (${loaded.error[0]?.message ?? "invalid"}); looking in ${dir}`,
  };
}

function line(record: RescueRecord): string {
  const what = record.kind === "git" ? `git ${record.branch}` : "archive";
  return `${record.id}  ${record.issueIdentifier}  ${record.createdAt}  ${what}  ${record.bytes} bytes  (${record.reason})`;
}

/** `symphony rescue list [--issue ID] [--json]`: every saved workspace, newest first. */
export async function rescueListCommand(
  flags: WhereFlags & { readonly issue?: string; readonly json?: boolean },
  io: CliIo,
): Promise<number> {
  const { dir, note } = rescueDir(flags, io);
  if (note !== null) io.stderr.write(`${note}\n`);
  const records = await listRescues(dir, flags.issue);
  if (flags.json === true) {
    io.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
    return 0;
  }
  if (records.length === 0) {
    io.stdout.write(`no rescues in ${dir}\n`);
    return 0;
  }
  for (const record of records) io.stdout.write(`${line(record)}\n`);
  return 0;
}

/** `symphony rescue restore <id> [--into DIR]`: back into the original workspace path, or DIR. */
export async function rescueRestoreCommand(
  id: string,
  flags: WhereFlags & { readonly into?: string },
  io: CliIo,
): Promise<number> {
  const { dir, note } = rescueDir(flags, io);
  if (note !== null) io.stderr.write(`${note}\n`);
  const record = await findRescue(dir, id);
  if (record === null) {
    io.stderr.write(`no rescue ${JSON.stringify(id)} in ${dir} (see \`symphony rescue list\`)\n`);
    return 1;
  }
  if (record.host !== "local" && flags.into === undefined) {
    io.stderr.write(`rescue ${id} came from host ${record.host}; pass --into DIR to restore it here\n`);
    return 1;
  }
  const into = flags.into === undefined ? record.workspacePath : resolve(io.cwd, flags.into);
  const restored = await restoreRescue(record, into);
  if (!restored.ok) {
    io.stderr.write(`restore failed: ${restored.error}\n`);
    return 1;
  }
  const how = record.kind === "git" ? ` on branch ${record.branch}` : "";
  io.stdout.write(`restored ${record.id} into ${restored.value}${how}\n`);
  return 0;
}
