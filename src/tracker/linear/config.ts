import { configError, type ProviderParser, showValue } from "../../config/provider.js";
import { optionalString, resolveSetting, secretNames } from "../../config/provider-settings.js";
import { err, ok } from "../../domain/result.js";
import type { WorkflowError } from "../../domain/workflow-error.js";

/** Settings of the Linear tracker (`tracker.kind: linear`), secrets resolved. */
export interface LinearTrackerSettings {
  readonly endpoint: string;
  readonly apiKey: string;
  /** Environment names that hold tracker secrets (never passed to agents). */
  readonly secretEnvNames: readonly string[];
  readonly projectSlug: string;
  /** `me`, a user id, or null for no assignee routing. */
  readonly assignee: string | null;
  readonly timeoutMs: number;
  readonly pageSize: number;
}

const DEFAULT_ENDPOINT = "https://api.linear.app/graphql";
const KEY = "tracker.provider";

function positiveInt(
  raw: Readonly<Record<string, unknown>>,
  key: string,
  fallback: number,
  errors: WorkflowError[],
): number {
  const value = raw[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value === "number" && Number.isInteger(value) && value > 0) return value;
  errors.push(configError(`${KEY}.${key}`, `must be a positive integer, got ${showValue(value)}`));
  return fallback;
}

/** Parses `tracker.provider` for `kind: linear` (env fallbacks `LINEAR_API_KEY`, `LINEAR_ASSIGNEE`). */
export const parseLinearProvider: ProviderParser<LinearTrackerSettings> = (raw, ctx) => {
  const errors: WorkflowError[] = [];
  const endpointRaw = optionalString(raw, "endpoint", errors);
  const apiKeyRaw = optionalString(raw, "api_key", errors);
  const slugRaw = optionalString(raw, "project_slug", errors);
  const assigneeRaw = optionalString(raw, "assignee", errors);
  const timeoutMs = positiveInt(raw, "timeout_ms", 30_000, errors);
  const pageSize = positiveInt(raw, "page_size", 50, errors);

  const endpoint = endpointRaw === undefined ? DEFAULT_ENDPOINT : endpointRaw.trim();
  if (endpoint === "") errors.push(configError(`${KEY}.endpoint`, "must not be blank"));
  else if (!/^https?:\/\/[^\s/]+/.test(endpoint)) {
    errors.push(configError(`${KEY}.endpoint`, `must be an http(s) URL, got ${showValue(endpoint)}`));
  }

  const apiKey = resolveSetting(apiKeyRaw, "LINEAR_API_KEY", ctx.env);
  if (apiKey.value === undefined) {
    const where = apiKey.varName === null ? "LINEAR_API_KEY" : `$${apiKey.varName} (or LINEAR_API_KEY)`;
    errors.push(
      configError(`${KEY}.api_key`, `Linear API key is missing: set ${where}`, "missing_tracker_secret"),
    );
  }

  const slug = slugRaw?.trim() ?? "";
  if (slug === "") errors.push(configError(`${KEY}.project_slug`, "is required for the Linear tracker"));

  let assignee: string | null = null;
  if (assigneeRaw !== undefined && assigneeRaw.trim() === "") {
    errors.push(configError(`${KEY}.assignee`, "must be `me` or a user id when present, got a blank value"));
  } else {
    const resolved = resolveSetting(assigneeRaw, "LINEAR_ASSIGNEE", ctx.env);
    assignee = resolved.value ?? null;
  }

  if (errors.length > 0) return err(errors);
  const secretEnvNames = secretNames(["LINEAR_API_KEY"], apiKey.varName);
  return ok({
    endpoint,
    apiKey: apiKey.value as string,
    secretEnvNames,
    projectSlug: slug,
    assignee,
    timeoutMs,
    pageSize,
  });
};
