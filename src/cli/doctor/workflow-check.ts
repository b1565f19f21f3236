import type { LoadedWorkflow } from "../../workflow/types.js";
import { formatWorkflowError } from "../../workflow/workflow-errors.js";
import { validateWorkflowFile } from "../validate-command.js";
import { type CheckResult, result } from "./check.js";

const FIX = {
  load: "fix the listed keys in WORKFLOW.md (`symphony validate` shows every problem with its line)",
  render: "fix the prompt template body; unknown variables and filters are errors",
  agent: "fix the agent settings named above (see docs/agent-backends.md)",
} as const;

/** The workflow loads, validates, its prompt renders and its agent settings are usable (the validate path). */
export function checkWorkflow(
  workflowPath: string,
  env: NodeJS.ProcessEnv,
): { readonly results: readonly CheckResult[]; readonly workflow: LoadedWorkflow | null } {
  const validated = validateWorkflowFile(workflowPath, env);
  if (!validated.ok) {
    const { stage, errors } = validated.error;
    const detail = errors.map(formatWorkflowError).join("; ");
    return { results: [result("workflow", "fail", detail, FIX[stage])], workflow: null };
  }
  const { workflow } = validated.value;
  const warnings = validated.value.notes.filter((note) => note.severity === "warning");
  const { config } = workflow;
  return {
    results: [
      result(
        "workflow",
        "ok",
        `${config.workflowPath} loads (tracker ${config.tracker.kind}, agent ${config.agent.backend}), prompt renders`,
      ),
      ...warnings.map((w) => result("workflow", "warn", formatWorkflowError(w))),
    ],
    workflow,
  };
}
