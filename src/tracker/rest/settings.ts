import { configError, showValue } from "../../config/provider.js";
import type { WorkflowError } from "../../domain/workflow-error.js";

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
