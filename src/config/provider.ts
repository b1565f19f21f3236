import type { Result } from "../domain/result.js";
import type { WorkflowError } from "../workflow/types.js";

/** What a tracker provider parser may use: where relative paths resolve, and the environment. */
export interface ProviderContext {
  readonly workflowDir: string;
  readonly env: NodeJS.ProcessEnv;
}

/** Parses `tracker.provider` (flat Elixir keys already folded in) into a kind's typed settings. */
export type ProviderParser<T> = (
  raw: Readonly<Record<string, unknown>>,
  ctx: ProviderContext,
) => Result<T, WorkflowError[]>;

/** A config error for a dotted key; the loader fills in the file path and position. */
export function configError(
  key: string,
  message: string,
  code: WorkflowError["code"] = "invalid_workflow_config",
): WorkflowError {
  return { code, key, message, path: "" };
}

/** Renders a config value for an error message (`got …`), short and single-line. */
export function showValue(value: unknown): string {
  let text: string;
  try {
    text = value === undefined ? "nothing" : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
