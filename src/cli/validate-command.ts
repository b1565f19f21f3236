import { agentConfigProblems } from "../agent/validate.js";
import { loadWorkflow } from "../workflow/loader.js";
import { SAMPLE_ISSUE } from "../workflow/prompt-context.js";
import { formatWorkflowError, sortByPosition } from "../workflow/workflow-errors.js";
import type { CliIo } from "./io.js";

/** `symphony validate [path]`: load, validate, render against a sample issue; 0 only when all is well. */
export function validateCommand(workflowPath: string, io: CliIo): number {
  const loaded = loadWorkflow(workflowPath, { env: io.env });
  if (!loaded.ok) {
    for (const error of sortByPosition(loaded.error)) io.stderr.write(`${formatWorkflowError(error)}\n`);
    io.stderr.write(`${loaded.error.length} problem${loaded.error.length === 1 ? "" : "s"} found\n`);
    return 1;
  }
  const problems = [null, 1].flatMap((attempt) => {
    const out = loaded.value.render(SAMPLE_ISSUE, attempt);
    return out.ok ? [] : [out.error];
  });
  if (problems.length > 0) {
    for (const error of problems) io.stderr.write(`${formatWorkflowError(error)}\n`);
    return 1;
  }
  const { config } = loaded.value;
  const agentProblems = agentConfigProblems(config);
  if (agentProblems.length > 0) {
    for (const problem of agentProblems) {
      const error = { code: "invalid_workflow_config", path: config.workflowPath, ...problem } as const;
      io.stderr.write(`${formatWorkflowError(error)}\n`);
    }
    return 1;
  }
  io.stdout.write(
    `${config.workflowPath}: ok (tracker ${config.tracker.kind}, agent ${config.agent.backend}, prompt renders)\n`,
  );
  return 0;
}
