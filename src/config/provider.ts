import type { Result } from "../domain/result.js";
import type { WorkflowError } from "../domain/workflow-error.js";

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

// Keys whose values are secrets: errors about them never echo the value.
const SECRET_KEY = /(^|_|\.)(api_key|apikey|token|auth_token|secret|password)$/i;

/**
 * Renders a config value for an error message (`got …`): short and single-line. Maps and lists are named,
 * not printed, and values of secret-looking keys (`api_key`, `auth_token`, …) are never shown.
 */
export function showValue(value: unknown, key = ""): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  if (SECRET_KEY.test(key)) return `a ${typeof value} (value hidden)`;
  const text = typeof value === "string" ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
