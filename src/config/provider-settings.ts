import type { WorkflowError } from "../domain/workflow-error.js";
import { resolveVarValue } from "./env-values.js";
import { configError, showValue } from "./provider.js";

/** A `$VAR`-capable string resolved against the environment, with the env name it came from. */
export interface ResolvedSetting {
  readonly value: string | undefined;
  /** The `$VAR` name written in the config, if any (a secret's name must be kept from children). */
  readonly varName: string | null;
}

/**
 * Resolves a setting: absent → the documented fallback variable; `$VAR` → that variable, falling back to the
 * documented one when VAR is unset; an empty VAR or blank literal → missing. Values are trimmed.
 */
export function resolveSetting(
  value: string | undefined,
  fallbackEnv: string,
  env: NodeJS.ProcessEnv,
): ResolvedSetting {
  const fromFallback = (): string | undefined => {
    const v = env[fallbackEnv]?.trim();
    return v === undefined || v === "" ? undefined : v;
  };
  if (value === undefined) return { value: fromFallback(), varName: null };
  const resolved = resolveVarValue(value, env);
  switch (resolved.kind) {
    case "literal":
      return { value: resolved.value.trim() === "" ? undefined : resolved.value.trim(), varName: null };
    case "env":
      return { value: resolved.value.trim(), varName: resolved.name };
    case "env_unset":
      return { value: fromFallback(), varName: resolved.name };
    case "env_empty":
      return { value: undefined, varName: resolved.name };
    default: {
      const _exhaustive: never = resolved;
      return _exhaustive;
    }
  }
}

/** Reads an optional string key of `tracker.provider`; other types are a config error. */
export function optionalString(
  raw: Readonly<Record<string, unknown>>,
  key: string,
  errors: WorkflowError[],
): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  errors.push(configError(`tracker.provider.${key}`, `must be a string, got ${showValue(value, key)}`));
  return undefined;
}

/** The env names a secret may have come from: the documented fallback(s) plus a configured `$VAR`. */
export function secretNames(fallbacks: readonly string[], varName: string | null): string[] {
  const names = [...fallbacks];
  if (varName !== null && !names.includes(varName)) names.push(varName);
  return names;
}

/** `" ($NAME is unset or empty)"` when a missing setting was written as `$NAME`, else `""`: names the variable. */
export function unsetVarNote(setting: ResolvedSetting): string {
  return setting.value === undefined && setting.varName !== null
    ? ` ($${setting.varName} is unset or empty)`
    : "";
}
