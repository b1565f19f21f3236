import { configError, type ProviderParser, showValue } from "../../config/provider.js";
import { optionalString, resolveSetting, secretNames, unsetVarNote } from "../../config/provider-settings.js";
import { err, ok } from "../../domain/result.js";
import type { WorkflowError } from "../../domain/workflow-error.js";
import { parseApiUrl, positiveInt } from "../rest/settings.js";

/** Settings of the Jira Cloud tracker (`tracker.kind: jira`), secrets resolved. */
export interface JiraTrackerSettings {
  /** Site root without a trailing `/`, e.g. `https://acme.atlassian.net`. */
  readonly baseUrl: string;
  readonly email: string;
  readonly apiToken: string;
  /** Environment names that hold the token (never passed to agents). */
  readonly secretEnvNames: readonly string[];
  readonly projectKey: string;
  readonly timeoutMs: number;
  /** `maxResults` per search page (1..100). */
  readonly pageSize: number;
}

const KEY = "tracker.provider";
const PROJECT_KEY = /^[A-Za-z][A-Za-z0-9_]*$/;
// `project_key` has no documented env fallback (only `$VAR`); no variable has an empty name
const NO_FALLBACK = "";

/** Parses `tracker.provider` for `kind: jira` (env fallbacks `JIRA_BASE_URL`, `JIRA_EMAIL`, `JIRA_API_TOKEN`). */
export const parseJiraProvider: ProviderParser<JiraTrackerSettings> = (raw, ctx) => {
  const errors: WorkflowError[] = [];
  const baseRaw = optionalString(raw, "base_url", errors);
  const emailRaw = optionalString(raw, "email", errors);
  const tokenRaw = optionalString(raw, "api_token", errors);
  const projectRaw = optionalString(raw, "project_key", errors);
  const timeoutMs = positiveInt(raw, "timeout_ms", 30_000, 600_000, errors);
  const pageSize = positiveInt(raw, "page_size", 100, 100, errors);

  const base = resolveSetting(baseRaw, "JIRA_BASE_URL", ctx.env);
  let baseUrl = "";
  if (base.value === undefined) {
    errors.push(
      configError(`${KEY}.base_url`, "is required (or set JIRA_BASE_URL), e.g. https://acme.atlassian.net"),
    );
  } else {
    baseUrl = parseApiUrl(base.value, `${KEY}.base_url`, errors) ?? "";
  }

  const email = resolveSetting(emailRaw, "JIRA_EMAIL", ctx.env);
  if (email.value === undefined) {
    const where = email.varName === null ? "JIRA_EMAIL" : `$${email.varName} (or JIRA_EMAIL)`;
    errors.push(
      configError(`${KEY}.email`, `Jira account email is missing: set ${where}`, "missing_tracker_secret"),
    );
  }

  const token = resolveSetting(tokenRaw, "JIRA_API_TOKEN", ctx.env);
  if (token.value === undefined) {
    const where = token.varName === null ? "JIRA_API_TOKEN" : `$${token.varName} (or JIRA_API_TOKEN)`;
    errors.push(
      configError(`${KEY}.api_token`, `Jira API token is missing: set ${where}`, "missing_tracker_secret"),
    );
  }

  const projectSetting = resolveSetting(projectRaw, NO_FALLBACK, ctx.env);
  const project = projectSetting.value ?? "";
  if (project === "")
    errors.push(
      configError(`${KEY}.project_key`, `is required for the Jira tracker${unsetVarNote(projectSetting)}`),
    );
  else if (!PROJECT_KEY.test(project)) {
    errors.push(
      configError(
        `${KEY}.project_key`,
        `must be a Jira project key (letters, digits, _), got ${showValue(project)}`,
      ),
    );
  }

  if (errors.length > 0) return err(errors);
  return ok({
    baseUrl,
    email: email.value as string,
    apiToken: token.value as string,
    secretEnvNames: secretNames(["JIRA_API_TOKEN"], token.varName),
    projectKey: project,
    timeoutMs,
    pageSize,
  });
};
