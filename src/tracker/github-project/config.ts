import { configError, type ProviderParser, showValue } from "../../config/provider.js";
import { optionalString, resolveSetting, secretNames, unsetVarNote } from "../../config/provider-settings.js";
import { err, ok } from "../../domain/result.js";
import type { WorkflowError } from "../../domain/workflow-error.js";
import { parseApiUrl, positiveInt } from "../rest/settings.js";

/** Settings of the GitHub Projects v2 tracker (`tracker.kind: github_project`), secrets resolved. */
export interface GithubProjectSettings {
  /** GraphQL endpoint (https, or http on loopback). */
  readonly endpoint: string;
  readonly token: string;
  /** Environment names that hold the token (never passed to agents). */
  readonly secretEnvNames: readonly string[];
  /** Login of the user or organization that owns the Project. */
  readonly owner: string;
  /** The Project's number (the `N` in `/orgs/acme/projects/N`). */
  readonly projectNumber: number;
  /** Single-select field whose option names are the issue states. */
  readonly statusField: string;
  /** Single-select (first option = 1, most urgent) or number field read as the priority. */
  readonly priorityField: string;
  readonly timeoutMs: number;
  /** Items per page (GitHub allows at most 100). */
  readonly pageSize: number;
  /** Pages read per query before failing with `tracker_pagination` (runaway guard). */
  readonly maxPages: number;
  /** Below this many remaining GraphQL points, requests wait for the window to reset. */
  readonly minRateRemaining: number;
}

const DEFAULT_ENDPOINT = "https://api.github.com/graphql";
const KEY = "tracker.provider";
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;

function fieldName(
  raw: Readonly<Record<string, unknown>>,
  key: string,
  fallback: string,
  errors: WorkflowError[],
) {
  const value = optionalString(raw, key, errors);
  if (value === undefined) return fallback;
  if (value.trim() === "")
    errors.push(configError(`${KEY}.${key}`, "must be a field name, got a blank value"));
  return value.trim();
}

function projectNumberOf(
  raw: Readonly<Record<string, unknown>>,
  errors: WorkflowError[],
): number | undefined {
  const value = raw.project ?? raw.project_number;
  if (typeof value === "number" && Number.isInteger(value) && value > 0) return value;
  if (typeof value === "string" && /^[1-9][0-9]{0,9}$/.test(value.trim())) return Number(value.trim());
  errors.push(
    configError(
      `${KEY}.project`,
      value === undefined
        ? "is required for the GitHub Projects tracker (the project number)"
        : `must be a positive project number, got ${showValue(value)}`,
    ),
  );
  return undefined;
}

/** Parses `tracker.provider` for `kind: github_project` (token env fallback `GITHUB_TOKEN`). */
export const parseGithubProjectProvider: ProviderParser<GithubProjectSettings> = (raw, ctx) => {
  const errors: WorkflowError[] = [];
  const endpointRaw = optionalString(raw, "endpoint", errors);
  const tokenRaw = optionalString(raw, "token", errors);
  const ownerRaw = optionalString(raw, "owner", errors);
  const projectNumber = projectNumberOf(raw, errors);
  const statusField = fieldName(raw, "status_field", "Status", errors);
  const priorityField = fieldName(raw, "priority_field", "Priority", errors);
  const timeoutMs = positiveInt(raw, "timeout_ms", 30_000, 600_000, errors);
  const pageSize = positiveInt(raw, "page_size", 50, 100, errors);
  const maxPages = positiveInt(raw, "max_pages", 200, 10_000, errors);
  const minRateRemaining = positiveInt(raw, "min_rate_remaining", 100, 5_000, errors);
  const endpoint = parseApiUrl(endpointRaw ?? DEFAULT_ENDPOINT, `${KEY}.endpoint`, errors);

  const token = resolveSetting(tokenRaw, "GITHUB_TOKEN", ctx.env);
  if (token.value === undefined) {
    const where = token.varName === null ? "GITHUB_TOKEN" : `$${token.varName} (or GITHUB_TOKEN)`;
    errors.push(
      configError(`${KEY}.token`, `GitHub token is missing: set ${where}`, "missing_tracker_secret"),
    );
  }
  const owner = resolveSetting(ownerRaw, "GITHUB_PROJECT_OWNER", ctx.env);
  if (owner.value === undefined) {
    errors.push(
      configError(`${KEY}.owner`, `is required: the user or organization login${unsetVarNote(owner)}`),
    );
  } else if (!LOGIN.test(owner.value.trim())) {
    errors.push(configError(`${KEY}.owner`, `must be a GitHub login, got ${showValue(owner.value)}`));
  }

  if (errors.length > 0 || endpoint === undefined || projectNumber === undefined) return err(errors);
  return ok({
    endpoint,
    token: token.value as string,
    secretEnvNames: secretNames(["GITHUB_TOKEN"], token.varName),
    owner: (owner.value as string).trim(),
    projectNumber,
    statusField,
    priorityField,
    timeoutMs,
    pageSize,
    maxPages,
    minRateRemaining,
  });
};
