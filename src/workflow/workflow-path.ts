import { resolve } from "node:path";

/** Spec 5.1: an explicit path wins, else `WORKFLOW.md` in `cwd`; the result is absolute (kept import-light for the CLI). */
export function resolveWorkflowPath(explicit: string | undefined, cwd: string = process.cwd()): string {
  return explicit !== undefined && explicit !== "" ? resolve(cwd, explicit) : resolve(cwd, "WORKFLOW.md");
}
