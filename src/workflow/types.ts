import type { ServiceConfig } from "../config/types.js";
import type { Issue } from "../domain/issue.js";
import type { Result } from "../domain/result.js";

/** Typed workflow/config error classes (spec 5.5 plus config validation). */
export type WorkflowErrorCode =
  | "missing_workflow_file"
  | "workflow_parse_error"
  | "workflow_front_matter_not_a_map"
  | "invalid_workflow_config"
  | "unsupported_tracker_kind"
  | "missing_tracker_secret"
  | "template_parse_error"
  | "template_render_error";

/** One workflow problem; `line`/`column` are 1-based where known, `key` is the dotted config key. */
export interface WorkflowError {
  readonly code: WorkflowErrorCode;
  readonly message: string;
  readonly path: string;
  readonly line?: number;
  readonly column?: number;
  readonly key?: string;
}

/** A successfully loaded and validated WORKFLOW.md. Immutable. */
export interface LoadedWorkflow {
  readonly config: ServiceConfig;
  /** Trimmed body; the spec's default prompt when the body is empty. */
  readonly promptTemplate: string;
  /** Hash of the file content this was built from. */
  readonly contentHash: string;
  /** Renders the prompt strictly for an issue; `attempt` is null on a first run. */
  render(issue: Issue, attempt: number | null): Result<string, WorkflowError>;
}

/** The live workflow: last known good version, re-validated on demand and on file changes. */
export interface WorkflowSource {
  /** The last known good workflow. */
  current(): LoadedWorkflow;
  /** Re-reads the file if it changed; on error keeps the last good one and returns the error. */
  revalidate(): Result<LoadedWorkflow, WorkflowError>;
  /** Called after every reload attempt (good or bad). Returns the unsubscribe function. */
  subscribe(listener: (result: Result<LoadedWorkflow, WorkflowError>) => void): () => void;
  close(): Promise<void>;
}
