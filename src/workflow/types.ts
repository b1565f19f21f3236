import type { ServiceConfig } from "../config/types.js";
import type { UnknownKey } from "../config/unknown-keys.js";
import type { Issue } from "../domain/issue.js";
import type { Result } from "../domain/result.js";
import type { WorkflowError } from "../domain/workflow-error.js";

/** A successfully loaded and validated WORKFLOW.md. Immutable. */
export interface LoadedWorkflow {
  readonly config: ServiceConfig;
  /** Trimmed body; the spec's default prompt when the body is empty. */
  readonly promptTemplate: string;
  /** Front-matter keys no schema reads (ignored; startup warns, `validate` reports them). */
  readonly unknownKeys: readonly (UnknownKey & { readonly line?: number; readonly column?: number })[];
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
