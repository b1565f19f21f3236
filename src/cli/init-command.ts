import { existsSync, writeFileSync } from "node:fs";
import { messageOf } from "../domain/errors.js";
import type { CliIo } from "./io.js";
import { STARTER_WORKFLOW } from "./starter-workflow.js";

/** `symphony init [path]`: writes the commented starter WORKFLOW.md; never overwrites. */
export function initCommand(workflowPath: string, io: CliIo): number {
  if (existsSync(workflowPath)) {
    io.stderr.write(`symphony init: ${workflowPath} already exists; refusing to overwrite it\n`);
    return 1;
  }
  try {
    writeFileSync(workflowPath, STARTER_WORKFLOW, { flag: "wx" });
  } catch (cause) {
    io.stderr.write(`symphony init: cannot write ${workflowPath}: ${messageOf(cause)}\n`);
    return 1;
  }
  io.stdout.write(`wrote ${workflowPath}\ncheck it with: symphony validate ${workflowPath}\n`);
  return 0;
}
