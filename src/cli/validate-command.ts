import { agentCommandLine, firstProgram, resolveProgram } from "../agent/agent-program.js";
import { agentConfigProblems } from "../agent/validate.js";
import { problemError } from "../config/build-config.js";
import { describeUnknownKey, isProblem } from "../config/unknown-keys.js";
import { err, ok, type Result } from "../domain/result.js";
import type { WorkflowError } from "../domain/workflow-error.js";
import { BACKENDS } from "../kinds.js";
import { maskUrlCredentials } from "../util/url-credentials.js";
import { inspectWorkflowFile, type KeyLocator, type LocatedUnknownKey } from "../workflow/loader.js";
import { SAMPLE_ISSUE } from "../workflow/prompt-context.js";
import type { LoadedWorkflow } from "../workflow/types.js";
import { formatWorkflowError, sortByPosition } from "../workflow/workflow-errors.js";
import type { CliIo } from "./io.js";

/** Every problem of a workflow (sorted by position, each once) and the first stage that failed. */
export interface WorkflowProblems {
  readonly stage: "load" | "render" | "agent";
  readonly errors: readonly WorkflowError[];
  /** The workflow when only unknown keys, the prompt or agent settings failed (its config is usable). */
  readonly workflow: LoadedWorkflow | null;
  readonly locate: KeyLocator;
}

/**
 * A validated workflow plus what is only a note: unknown keys that are allowed (extension sections,
 * ignored keys) and warnings (e.g. a codex value newer than the pinned codex, passed through).
 */
export interface ValidatedWorkflow {
  readonly workflow: LoadedWorkflow;
  readonly notes: readonly WorkflowError[];
  readonly locate: KeyLocator;
}

/** Drops repeated problems (the same line printed for the first run and the retry render, say). */
function unique(errors: readonly WorkflowError[]): WorkflowError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const line = formatWorkflowError(error);
    if (seen.has(line)) return false;
    seen.add(line);
    return true;
  });
}

/**
 * The whole validate path, run to the end so one pass shows every problem: load + validate the workflow,
 * name every unknown key, render its prompt for a sample issue (first run and a retry) even when the config
 * is invalid, and check the agent settings. Shared by `symphony validate` and `symphony doctor`.
 */
export function validateWorkflowFile(
  workflowPath: string,
  env: NodeJS.ProcessEnv,
): Result<ValidatedWorkflow, WorkflowProblems> {
  const inspection = inspectWorkflowFile(workflowPath, { env });
  const path = inspection.result.ok ? inspection.result.value.config.workflowPath : workflowPath;
  const keyError = (unknown: LocatedUnknownKey): WorkflowError => ({
    code: "unknown_workflow_key",
    message: describeUnknownKey(unknown),
    path,
    key: unknown.key,
    ...(unknown.line === undefined ? {} : { line: unknown.line, column: unknown.column }),
  });
  const problemKeys = inspection.unknownKeys.filter(isProblem).map(keyError);
  const notes: WorkflowError[] = inspection.unknownKeys
    .filter((unknown) => !isProblem(unknown))
    .map(keyError);
  const loadErrors = inspection.result.ok ? [] : inspection.result.error;
  const renderErrors =
    inspection.prompt === null
      ? []
      : [null, 1].flatMap((attempt) => {
          const out = inspection.prompt?.render(SAMPLE_ISSUE, attempt);
          return out === undefined || out.ok ? [] : [out.error];
        });
  const agentProblems = inspection.result.ok
    ? agentConfigProblems(inspection.result.value.config, BACKENDS).map(
        (problem): WorkflowError => ({ ...problemError(problem), path, ...inspection.locate(problem.key) }),
      )
    : [];
  const agentErrors = agentProblems.filter((problem) => problem.severity !== "warning");
  notes.push(...agentProblems.filter((problem) => problem.severity === "warning"));
  const stage =
    loadErrors.length > 0 || problemKeys.length > 0 ? "load" : renderErrors.length > 0 ? "render" : "agent";
  const errors = sortByPosition(unique([...loadErrors, ...problemKeys, ...renderErrors, ...agentErrors]));
  const workflow = inspection.result.ok ? inspection.result.value : null;
  if (errors.length > 0 || workflow === null)
    return err({ stage, errors, workflow, locate: inspection.locate });
  return ok({ workflow, notes: sortByPosition(notes), locate: inspection.locate });
}

/** The agent program must resolve for the service's shell on this machine (skipped when agents run on SSH workers). */
async function agentProgramProblem(
  workflow: LoadedWorkflow,
  env: NodeJS.ProcessEnv,
  locate: KeyLocator,
): Promise<WorkflowError | null> {
  const { config } = workflow;
  const command = agentCommandLine(config, BACKENDS);
  if (command === null || config.worker.sshHosts.length > 0) return null;
  const program = firstProgram(command.line);
  if (program === null) return null;
  const found = await resolveProgram(
    program,
    config.workflowDir,
    env,
    AbortSignal.timeout(15_000),
    config.worker.loginShell,
  );
  if (found !== null) return null;
  return {
    code: "agent_command_not_found",
    message: `${program} is not found by bash on this user's PATH; install it or fix the command`,
    path: config.workflowPath,
    key: command.key,
    ...locate(command.key),
  };
}

function plural(n: number): string {
  return `${n} problem${n === 1 ? "" : "s"} found`;
}

/** `symphony validate [path]`: every problem once, sorted by position, then `N problems found`; 0 only when all is well. */
export async function validateCommand(workflowPath: string, io: CliIo): Promise<number> {
  const validated = validateWorkflowFile(workflowPath, io.env);
  const { workflow, locate } = validated.ok ? validated.value : validated.error;
  const missing = workflow === null ? null : await agentProgramProblem(workflow, io.env, locate);
  const errors = sortByPosition([
    ...(validated.ok ? [] : validated.error.errors),
    ...(missing === null ? [] : [missing]),
  ]);
  if (!validated.ok || errors.length > 0) {
    // a value echoed back may be an endpoint with credentials in it
    for (const error of errors) io.stderr.write(`${maskUrlCredentials(formatWorkflowError(error))}\n`);
    io.stderr.write(`${plural(errors.length)}\n`);
    return 1;
  }
  for (const note of validated.value.notes) {
    io.stderr.write(`${maskUrlCredentials(formatWorkflowError(note))} [note]\n`);
  }
  const { config } = validated.value.workflow;
  io.stdout.write(
    `${maskUrlCredentials(config.workflowPath)}: ok (tracker ${config.tracker.kind}, agent ${config.agent.backend}, prompt renders)\n`,
  );
  return 0;
}
