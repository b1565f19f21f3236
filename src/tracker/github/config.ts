import { configError, type ProviderParser, showValue } from "../../config/provider.js";
import { optionalString, resolveSetting, secretNames, unsetVarNote } from "../../config/provider-settings.js";
import { err, ok } from "../../domain/result.js";
import type { WorkflowError } from "../../domain/workflow-error.js";
import { parseApiUrl, positiveInt } from "../rest/settings.js";
import { checkStates } from "../rest/states.js";

/** Settings of the GitHub Issues tracker (`tracker.kind: github`), secrets resolved. */
export interface GithubTrackerSettings {
  /** REST base URL without a trailing `/` (https, or http on loopback). */
  readonly apiUrl: string;
  readonly token: string;
  /** Environment names that hold the token (never passed to agents). */
  readonly secretEnvNames: readonly string[];
  readonly owner: string;
  readonly repo: string;
  /** Label prefix (lower-cased, e.g. `status:`) whose labels define the state of open issues; null = off. */
  readonly stateLabelPrefix: string | null;
  readonly timeoutMs: number;
  readonly pageSize: number;
  /** Pages read per state query before failing with `tracker_pagination` (runaway guard). */
  readonly maxPages: number;
}

const DEFAULT_API_URL = "https://api.github.com";
const KEY = "tracker.provider";
const REPO_PATTERN = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/;

function parseStateLabels(raw: Readonly<Record<string, unknown>>, errors: WorkflowError[]): string | null {
  const value = raw.state_labels;
  if (value === undefined || value === null || value === false) return null;
  const prefix = value === true ? "status:" : value;
  if (typeof prefix !== "string" || prefix.trim() === "") {
    errors.push(
      configError(
        `${KEY}.state_labels`,
        `must be a non-blank label prefix such as "status:", got ${showValue(value)}`,
      ),
    );
    return null;
  }
  return prefix.trim().toLowerCase();
}

/** Parses `tracker.provider` for `kind: github` (env fallbacks `GITHUB_TOKEN`, `GITHUB_REPO`). */
export const parseGithubProvider: ProviderParser<GithubTrackerSettings> = (raw, ctx) => {
  const errors: WorkflowError[] = [];
  const apiUrlRaw = optionalString(raw, "api_url", errors) ?? optionalString(raw, "endpoint", errors);
  const tokenRaw = optionalString(raw, "token", errors) ?? optionalString(raw, "api_key", errors);
  const repoRaw = optionalString(raw, "repo", errors);
  const timeoutMs = positiveInt(raw, "timeout_ms", 30_000, 600_000, errors);
  const pageSize = positiveInt(raw, "page_size", 100, 100, errors);
  const maxPages = positiveInt(raw, "max_pages", 100, 10_000, errors);
  const stateLabelPrefix = parseStateLabels(raw, errors);

  const apiUrl = parseApiUrl(apiUrlRaw ?? DEFAULT_API_URL, `${KEY}.api_url`, errors);

  const token = resolveSetting(tokenRaw, "GITHUB_TOKEN", ctx.env);
  if (token.value === undefined) {
    const where = token.varName === null ? "GITHUB_TOKEN" : `$${token.varName} (or GITHUB_TOKEN)`;
    errors.push(
      configError(`${KEY}.token`, `GitHub token is missing: set ${where}`, "missing_tracker_secret"),
    );
  }

  const repo = resolveSetting(repoRaw, "GITHUB_REPO", ctx.env);
  const match = repo.value === undefined ? null : REPO_PATTERN.exec(repo.value);
  const repoMistyped = raw.repo !== undefined && raw.repo !== null && typeof raw.repo !== "string";
  if (repo.value === undefined && !repoMistyped) {
    errors.push(
      configError(
        `${KEY}.repo`,
        `is required for the GitHub tracker (\`owner/repo\`, or set GITHUB_REPO)${unsetVarNote(repo)}`,
      ),
    );
  } else if (
    repo.value !== undefined &&
    (match === null || match[1] === "." || match[1] === ".." || match[2] === "." || match[2] === "..")
  ) {
    errors.push(configError(`${KEY}.repo`, `must be \`owner/repo\`, got ${showValue(repo.value)}`));
  }

  if (errors.length > 0 || apiUrl === undefined || match === null) return err(errors);
  return ok({
    apiUrl,
    token: token.value as string,
    secretEnvNames: secretNames(["GITHUB_TOKEN"], token.varName),
    owner: match[1] as string,
    repo: match[2] as string,
    stateLabelPrefix,
    timeoutMs,
    pageSize,
    maxPages,
  });
};

/**
 * GitHub issues are `open` or `closed`: active states must be `open`, terminal states `closed`. With
 * `state_labels`, active states are label names (anything but `closed`) and terminal states are free.
 */
export function validateGithubStates(
  settings: GithubTrackerSettings,
  active: readonly string[],
  terminal: readonly string[],
): WorkflowError[] {
  if (settings.stateLabelPrefix !== null) {
    return checkStates(
      "GitHub",
      { active, terminal },
      { active: null, terminal: ["closed"] },
      "with state_labels a closed issue is always `closed`, so `closed` cannot be active",
    ).filter((e) => e.key === "tracker.active_states");
  }
  return checkStates(
    "GitHub",
    { active, terminal },
    { active: ["open"], terminal: ["closed"] },
    "use active_states [open] and terminal_states [closed], or provider.state_labels for label-driven states",
  );
}
