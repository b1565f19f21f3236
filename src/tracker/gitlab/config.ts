import { configError, type ProviderParser, showValue } from "../../config/provider.js";
import { optionalString, resolveSetting, secretNames, unsetVarNote } from "../../config/provider-settings.js";
import { err, ok } from "../../domain/result.js";
import type { WorkflowError } from "../../domain/workflow-error.js";
import { parseApiUrl, positiveInt } from "../rest/settings.js";
import { checkStates } from "../rest/states.js";

/** Settings of the GitLab Issues tracker (`tracker.kind: gitlab`), secrets resolved. */
export interface GitlabTrackerSettings {
  /** REST v4 base URL without a trailing `/` (https, or http on loopback). */
  readonly apiUrl: string;
  readonly apiKey: string;
  /** Environment names that may hold the token (never passed to agents). */
  readonly secretEnvNames: readonly string[];
  /** `group/subgroup/project` (or a numeric project id). */
  readonly projectPath: string;
  readonly timeoutMs: number;
  readonly pageSize: number;
  /** Pages read per state query before failing with `tracker_pagination` (runaway guard). */
  readonly maxPages: number;
}

const DEFAULT_API_URL = "https://gitlab.com/api/v4";
const KEY = "tracker.provider";
// Token names the Elixir reference strips from agent environments; GITLAB_PAT is also the fallback.
const TOKEN_ENV_NAMES = ["GITLAB_PAT", "GITLAB_ACCESS_TOKEN"] as const;

function validProjectPath(path: string): boolean {
  if (/[\s\0?#%\\]/.test(path)) return false;
  const segments = path.split("/");
  return segments.every((s) => s !== "" && s !== "." && s !== "..");
}

/** Parses `tracker.provider` for `kind: gitlab` (env fallbacks `GITLAB_PAT`, `GITLAB_PROJECT_PATH`). */
export const parseGitlabProvider: ProviderParser<GitlabTrackerSettings> = (raw, ctx) => {
  const errors: WorkflowError[] = [];
  const apiUrlRaw = optionalString(raw, "api_url", errors) ?? optionalString(raw, "endpoint", errors);
  const keyRaw = optionalString(raw, "api_key", errors) ?? optionalString(raw, "token", errors);
  const pathRaw = optionalString(raw, "project_path", errors);
  const timeoutMs = positiveInt(raw, "timeout_ms", 30_000, 600_000, errors);
  const pageSize = positiveInt(raw, "page_size", 100, 100, errors);
  const maxPages = positiveInt(raw, "max_pages", 100, 10_000, errors);

  const apiUrl = parseApiUrl(apiUrlRaw ?? DEFAULT_API_URL, `${KEY}.api_url`, errors);

  const apiKey = resolveSetting(keyRaw, "GITLAB_PAT", ctx.env);
  if (apiKey.value === undefined) {
    const where = apiKey.varName === null ? "GITLAB_PAT" : `$${apiKey.varName} (or GITLAB_PAT)`;
    errors.push(
      configError(`${KEY}.api_key`, `GitLab token is missing: set ${where}`, "missing_tracker_secret"),
    );
  }

  const path = resolveSetting(pathRaw, "GITLAB_PROJECT_PATH", ctx.env);
  const projectPath = path.value?.replace(/^\/+|\/+$/g, "");
  const pathMistyped =
    raw.project_path !== undefined && raw.project_path !== null && typeof raw.project_path !== "string";
  if (pathMistyped) {
    // already reported as mistyped
  } else if (projectPath === undefined || projectPath === "") {
    errors.push(
      configError(
        `${KEY}.project_path`,
        `is required for the GitLab tracker (\`group/project\`, or set GITLAB_PROJECT_PATH)${unsetVarNote(path)}`,
      ),
    );
  } else if (!validProjectPath(projectPath)) {
    errors.push(
      configError(
        `${KEY}.project_path`,
        `must be a project path like \`group/project\`, got ${showValue(path.value)}`,
      ),
    );
  }

  if (errors.length > 0 || apiUrl === undefined || projectPath === undefined) return err(errors);
  return ok({
    apiUrl,
    apiKey: apiKey.value as string,
    secretEnvNames: secretNames(TOKEN_ENV_NAMES, apiKey.varName),
    projectPath,
    timeoutMs,
    pageSize,
    maxPages,
  });
};

/** GitLab issues are `opened` or `closed`: active states must be `opened`, terminal states `closed`. */
export function validateGitlabStates(
  active: readonly string[],
  terminal: readonly string[],
): WorkflowError[] {
  return checkStates(
    "GitLab",
    { active, terminal },
    { active: ["opened"], terminal: ["closed"] },
    "use active_states [opened] and terminal_states [closed]",
  );
}
