import { agentConfigProblems } from "../agent/validate.js";
import { problemError } from "../config/build-config.js";
import { err, ok, type Result } from "../domain/result.js";
import type { WorkflowError } from "../domain/workflow-error.js";
import { BACKENDS } from "../kinds.js";
import { loadWorkflow } from "../workflow/loader.js";
import { SAMPLE_ISSUE } from "../workflow/prompt-context.js";
import type { LoadedWorkflow } from "../workflow/types.js";
import { formatWorkflowError, sortByPosition } from "../workflow/workflow-errors.js";
import type { CliIo } from "./io.js";

/** Where the validate path stopped: loading/validating the file, rendering the prompt, or the agent settings. */
export interface WorkflowProblems {
  readonly stage: "load" | "render" | "agent";
  readonly errors: readonly WorkflowError[];
}

/** A workflow that validated, with the warnings met on the way (printed, never fatal). */
export interface ValidatedWorkflow {
  readonly workflow: LoadedWorkflow;
  readonly warnings: readonly WorkflowError[];
}

/**
 * The whole validate path: load + validate the workflow, render its prompt for a sample issue (first
 * run and a retry), and check the agent settings. Shared by `symphony validate` and `symphony doctor`.
 */
export function validateWorkflowFile(
  workflowPath: string,
  env: NodeJS.ProcessEnv,
): Result<ValidatedWorkflow, WorkflowProblems> {
  const loaded = loadWorkflow(workflowPath, { env });
  if (!loaded.ok) return err({ stage: "load", errors: sortByPosition(loaded.error) });
  const problems = [null, 1].flatMap((attempt) => {
    const out = loaded.value.render(SAMPLE_ISSUE, attempt);
    return out.ok ? [] : [out.error];
  });
  if (problems.length > 0) return err({ stage: "render", errors: problems });
  const { config } = loaded.value;
  const agentProblems = agentConfigProblems(config, BACKENDS).map((problem) => ({
    ...problemError(problem),
    path: config.workflowPath,
  }));
  const errors = agentProblems.filter((p) => p.severity !== "warning");
  const warnings = agentProblems.filter((p) => p.severity === "warning");
  return errors.length > 0
    ? err({ stage: "agent", errors: agentProblems })
    : ok({ workflow: loaded.value, warnings });
}

/** `symphony validate [path]`: load, validate, render against a sample issue; 0 only when all is well. */
export function validateCommand(workflowPath: string, io: CliIo): number {
  const validated = validateWorkflowFile(workflowPath, io.env);
  if (!validated.ok) {
    const { stage, errors } = validated.error;
    for (const error of errors) io.stderr.write(`${formatWorkflowError(error)}\n`);
    if (stage === "load")
      io.stderr.write(`${errors.length} problem${errors.length === 1 ? "" : "s"} found\n`);
    return 1;
  }
  const { config } = validated.value.workflow;
  for (const warning of validated.value.warnings) io.stderr.write(`${formatWorkflowError(warning)}\n`);
  io.stdout.write(
    `${config.workflowPath}: ok (tracker ${config.tracker.kind}, agent ${config.agent.backend}, prompt renders)\n`,
  );
  return 0;
}
