/** Typed workflow/config error classes (spec 5.5 plus config validation). */
export type WorkflowErrorCode =
  | "missing_workflow_file"
  | "workflow_parse_error"
  | "workflow_front_matter_not_a_map"
  | "invalid_workflow_config"
  | "unsupported_tracker_kind"
  | "missing_tracker_secret"
  | "template_parse_error"
  | "template_render_error"
  | "unknown_workflow_key"
  | "agent_command_not_found";

/** One workflow problem; `line`/`column` are 1-based where known, `key` is the dotted config key. */
export interface WorkflowError {
  readonly code: WorkflowErrorCode;
  readonly message: string;
  readonly path: string;
  readonly line?: number;
  readonly column?: number;
  readonly key?: string;
  /** `warning`: reported but not fatal (e.g. a codex value newer than the pinned codex); absent = error. */
  readonly severity?: "warning";
}
