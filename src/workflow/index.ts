export type { WorkflowError, WorkflowErrorCode } from "../domain/workflow-error.js";
export type { FileWorkflowSource, FileWorkflowSourceOptions } from "./file-source.js";
export { openWorkflowSource } from "./file-source.js";
export { splitFrontMatter } from "./front-matter.js";
export type { LoadOptions } from "./loader.js";
export {
  contentHash,
  createLoadedWorkflow,
  loadWorkflow,
  loadWorkflowBytes,
  loadWorkflowText,
  MAX_WORKFLOW_BYTES,
  resolveWorkflowPath,
} from "./loader.js";
export type { CompiledPrompt, TemplateOrigin } from "./prompt.js";
export { compilePrompt, DEFAULT_PROMPT_TEMPLATE } from "./prompt.js";
export { issueTemplateContext, SAMPLE_ISSUE } from "./prompt-context.js";
export type { LoadedWorkflow, WorkflowSource } from "./types.js";
export { formatWorkflowError, sortByPosition, summariseErrors } from "./workflow-errors.js";
