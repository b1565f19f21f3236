import { resolveVarValue } from "../config/env-values.js";
import { configError, showValue } from "../config/provider.js";
import type { WorkflowError } from "../workflow/types.js";

/** A provider value after `$VAR` and env-fallback resolution, with the variable it came from. */
export interface ResolvedField {
  /** Trimmed value, or undefined when missing/blank. */
  readonly value: string | undefined;
  /** The `$VAR` name the value was written as, if any (a secret's env name). */
  readonly varName: string | null;
}

/**
 * Resolves a `$VAR`-capable string with a fallback variable: absent or an unset `$VAR` falls back to
 * `fallbackEnv`; a set-but-blank variable or blank literal is missing.
 */
export function resolveField(
  value: string | undefined,
  fallbackEnv: string | null,
  env: NodeJS.ProcessEnv,
): ResolvedField {
  const fromFallback = (): string | undefined => {
    if (fallbackEnv === null) return undefined;
    const v = env[fallbackEnv];
    return v === undefined || v.trim() === "" ? undefined : v.trim();
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

/** Reads an optional string key of `tracker.provider`; other types are an error. */
export function optionalString(
  raw: Readonly<Record<string, unknown>>,
  key: string,
  errors: WorkflowError[],
): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  // numeric ids (project gids) written without quotes are accepted as their decimal text
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return String(value);
  errors.push(configError(`tracker.provider.${key}`, `must be a string, got ${showValue(value, key)}`));
  return undefined;
}

/** Reads an optional integer key in `[1, max]`, or the fallback when absent. */
export function boundedInt(
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
 * Checks an API base URL: https with a host, no query/fragment/credentials; plain http only for
 * loopback hosts (tests and local proxies). Returns the URL without a trailing `/`, or a reason.
 */
export function checkApiBaseUrl(value: string): { ok: true; url: string } | { ok: false; reason: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, reason: "is not a URL" };
  }
  if (url.protocol === "http:") {
    if (!LOOPBACK_HOSTS.has(url.hostname))
      return { ok: false, reason: "must use https (http only for loopback)" };
  } else if (url.protocol !== "https:") {
    return { ok: false, reason: "must use https" };
  }
  if (url.hostname === "") return { ok: false, reason: "must have a host" };
  if (url.search !== "" || url.hash !== "" || value.includes("?") || value.includes("#")) {
    return { ok: false, reason: "must not have a query or fragment" };
  }
  if (url.username !== "" || url.password !== "") return { ok: false, reason: "must not embed credentials" };
  return { ok: true, url: `${url.origin}${url.pathname}`.replace(/\/+$/, "") };
}

/** Secret env names to strip from children: the documented fallback plus any `$VAR` name used. */
export function secretNames(fallbackEnv: string, varName: string | null): string[] {
  return varName === null || varName === fallbackEnv ? [fallbackEnv] : [fallbackEnv, varName];
}
