import type { WorkflowError } from "../domain/workflow-error.js";
import { configError } from "./provider.js";
import type { CodexConfig } from "./types.js";

/** Checks the codex section beyond its types (spec 6.3: `codex.command` present and non-empty). */
export function validateCodexSettings(codex: CodexConfig): WorkflowError[] {
  const errors: WorkflowError[] = [];
  if (codex.command.trim() === "") errors.push(configError("codex.command", "must not be blank"));
  return errors;
}
