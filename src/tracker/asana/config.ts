import { configError, type ProviderParser, showValue } from "../../config/provider.js";
import { optionalString, resolveSetting, secretNames, unsetVarNote } from "../../config/provider-settings.js";
import { err, ok } from "../../domain/result.js";
import type { WorkflowError } from "../../domain/workflow-error.js";
import { parseApiUrl, positiveInt } from "../rest/settings.js";

/** Settings of the Asana tracker (`tracker.kind: asana`), secrets resolved. */
export interface AsanaTrackerSettings {
  /** API root without a trailing `/`, default `https://app.asana.com/api/1.0`. */
  readonly endpoint: string;
  readonly apiKey: string;
  /** Environment names that hold the token (never passed to agents). */
  readonly secretEnvNames: readonly string[];
  readonly projectGid: string;
  readonly timeoutMs: number;
  /** `limit` per page (1..100). */
  readonly pageSize: number;
}

const KEY = "tracker.provider";
const DEFAULT_ENDPOINT = "https://app.asana.com/api/1.0";
// `project_gid` has no documented env fallback (only `$VAR`); no variable has an empty name
const NO_FALLBACK = "";

/** Parses `tracker.provider` for `kind: asana` (env fallback `ASANA_PAT`). */
export const parseAsanaProvider: ProviderParser<AsanaTrackerSettings> = (raw, ctx) => {
  const errors: WorkflowError[] = [];
  const endpointRaw = optionalString(raw, "endpoint", errors);
  const keyRaw = optionalString(raw, "api_key", errors);
  // a gid written without quotes is a YAML number: read it as its decimal text
  const gid = raw.project_gid;
  const projectRaw =
    typeof gid === "number" && Number.isSafeInteger(gid) && gid >= 0
      ? String(gid)
      : optionalString(raw, "project_gid", errors);
  const timeoutMs = positiveInt(raw, "timeout_ms", 30_000, 600_000, errors);
  const pageSize = positiveInt(raw, "page_size", 100, 100, errors);

  const endpoint =
    endpointRaw === undefined ? DEFAULT_ENDPOINT : parseApiUrl(endpointRaw, `${KEY}.endpoint`, errors);

  const key = resolveSetting(keyRaw, "ASANA_PAT", ctx.env);
  if (key.value === undefined) {
    const where = key.varName === null ? "ASANA_PAT" : `$${key.varName} (or ASANA_PAT)`;
    errors.push(
      configError(`${KEY}.api_key`, `Asana access token is missing: set ${where}`, "missing_tracker_secret"),
    );
  }

  const projectSetting = resolveSetting(projectRaw, NO_FALLBACK, ctx.env);
  const project = projectSetting.value ?? "";
  if (project === "")
    errors.push(
      configError(`${KEY}.project_gid`, `is required for the Asana tracker${unsetVarNote(projectSetting)}`),
    );
  else if (!/^\d+$/.test(project)) {
    errors.push(
      configError(`${KEY}.project_gid`, `must be a numeric project gid, got ${showValue(project)}`),
    );
  }

  if (errors.length > 0) return err(errors);
  return ok({
    endpoint: endpoint as string,
    apiKey: key.value as string,
    secretEnvNames: secretNames(["ASANA_PAT"], key.varName),
    projectGid: project,
    timeoutMs,
    pageSize,
  });
};
