import { resolveConfigPath, resolveVarValue } from "../../config/env-values.js";
import { configError, type ProviderParser, showValue } from "../../config/provider.js";
import { err, ok } from "../../domain/result.js";

/** Settings of the local Markdown-folder tracker (`tracker.kind: local`). */
export interface LocalTrackerSettings {
  /** Absolute folder holding one Markdown file per issue. */
  readonly path: string;
}

/** Parses `tracker.provider` for `kind: local`: `path` (default `<workflowDir>/issues`, `~`/`$VAR`/relative). */
export const parseLocalProvider: ProviderParser<LocalTrackerSettings> = (raw, ctx) => {
  const value = raw.path;
  if (value === undefined || value === null)
    return ok({ path: resolveConfigPath("issues", ctx.workflowDir, ctx.env) });
  if (typeof value !== "string" || value.trim() === "") {
    return err([configError("tracker.provider.path", `must be a non-empty path, got ${showValue(value)}`)]);
  }
  const resolved = resolveVarValue(value, ctx.env);
  if (resolved.kind === "env_unset" || resolved.kind === "env_empty") {
    return err([
      configError("tracker.provider.path", `refers to $${resolved.name}, which is unset or empty`),
    ]);
  }
  return ok({ path: resolveConfigPath(resolved.value, ctx.workflowDir, ctx.env) });
};
