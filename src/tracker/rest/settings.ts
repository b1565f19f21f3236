import { resolveVarValue } from "../../config/env-values.js";
import { configError, showValue } from "../../config/provider.js";
import type { WorkflowError } from "../../workflow/types.js";

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

/** Reads an optional positive integer key (at most `max`), else the fallback. */
export function positiveInt(
  raw: Readonly<Record<string, unknown>>,
  key: string,
  fallback: number,
  max: number,
  errors: WorkflowError[],
): number {
  const value = raw[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value === "number" && Number.isInteger(value) && value > 0 && value <= max) return value;
  errors.push(
    configError(`tracker.provider.${key}`, `must be an integer from 1 to ${max}, got ${showValue(value)}`),
  );
  return fallback;
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * Validates a provider API base URL: https, or plain http only on loopback (tests and local proxies).
 * No credentials, query or fragment; a trailing `/` is dropped. Returns the normalised URL or undefined.
 */
export function parseApiUrl(
  value: string,
  key: string,
  errors: WorkflowError[],
  code: WorkflowError["code"] = "invalid_workflow_config",
): string | undefined {
  const text = value.trim().replace(/\/+$/, "");
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    errors.push(configError(key, `must be an https URL, got ${showValue(value)}`, code));
    return undefined;
  }
  const loopbackHttp = url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== "https:" && !loopbackHttp) {
    errors.push(
      configError(
        key,
        `must use https (plain http only on 127.0.0.1/localhost), got ${showValue(text)}`,
        code,
      ),
    );
    return undefined;
  }
  if (url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "") {
    errors.push(configError(key, "must not contain credentials, a query or a fragment", code));
    return undefined;
  }
  return text;
}

/** The env names a secret may have come from: the documented fallback(s) plus a configured `$VAR`. */
export function secretNames(fallbacks: readonly string[], varName: string | null): string[] {
  const names = [...fallbacks];
  if (varName !== null && !names.includes(varName)) names.push(varName);
  return names;
}
