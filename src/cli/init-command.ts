import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { messageOf } from "../domain/errors.js";
import type { CliIo } from "./io.js";
import { STARTER_ISSUE, STARTER_WORKFLOW } from "./starter-workflow.js";

/**
 * `symphony init [path]`: writes the commented starter WORKFLOW.md and the local tracker's `issues/`
 * folder beside it with one sample issue, so `symphony issue add` and a first run work at once.
 * Never overwrites: an existing WORKFLOW.md refuses; an existing `issues/` folder is left as it is.
 */
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
  const issues = join(dirname(workflowPath), "issues");
  const shown = relative(io.cwd, workflowPath) || workflowPath;
  let sample = "";
  try {
    if (!existsSync(issues)) {
      mkdirSync(issues, { recursive: true });
      writeFileSync(join(issues, "DEMO-1.md"), STARTER_ISSUE, { flag: "wx" });
      sample = `wrote ${join(issues, "DEMO-1.md")} (a sample issue of the local tracker)\n`;
    }
  } catch (cause) {
    io.stderr.write(`symphony init: cannot create ${issues}: ${messageOf(cause)}\n`);
    return 1;
  }
  io.stdout.write(
    `wrote ${workflowPath}\n${sample}` +
      `next: symphony validate ${shown}     (checks it, including that \`codex\` is installed)\n` +
      `      symphony issue add "My first task" --workflow ${shown}\n` +
      `      symphony ${shown} --port 4000   (runs it; dashboard at http://127.0.0.1:4000/, Ctrl-C stops)\n`,
  );
  return 0;
}
