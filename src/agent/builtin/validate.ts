import { type ConfigProblem, problem } from "../../domain/config-problem.js";
import {
  type BuiltinBackendConfig,
  type BuiltinProvider,
  builtinModelProblems,
  BUILTIN_PROVIDERS as PROVIDERS,
} from "./settings.js";

/** Providers whose hosted API always needs a key. */
const KEYED: readonly BuiltinProvider[] = ["openai", "anthropic", "google"];

/**
 * Checks a `builtin:` section (for `symphony validate`, preflight and session start); empty = valid.
 * Each problem names the WORKFLOW.md key and echoes the offending value (`got`, also in the message).
 */
export function validateBuiltinConfig(config: BuiltinBackendConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const bad = (key: string, rule: string, value: unknown) => {
    const got = JSON.stringify(value);
    problems.push(problem(`builtin.${key}`, ruleName(rule), `${rule}, got \`${got}\``, got));
  };
  if (!PROVIDERS.includes(config.provider))
    bad("provider", `must be one of ${PROVIDERS.join(", ")}`, config.provider);
  problems.push(...builtinModelProblems(config));
  if (KEYED.includes(config.provider) && (config.apiKey === null || config.apiKey.trim() === "")) {
    problems.push(
      problem(
        "builtin.api_key",
        "required",
        `is required for provider ${config.provider} (use \`$VAR\`), got nothing`,
      ),
    );
  }
  if (config.provider === "openai-compatible" && config.baseUrl === null) {
    problems.push(
      problem("builtin.base_url", "required", "is required for provider openai-compatible, got nothing"),
    );
  }
  if (config.baseUrl !== null && !isHttpUrl(config.baseUrl))
    bad("base_url", "must be an http(s) URL", config.baseUrl);
  if (!Number.isInteger(config.maxSteps) || config.maxSteps < 1)
    bad("max_steps", "must be a positive integer", config.maxSteps);
  if (config.temperature !== null && !(config.temperature >= 0 && config.temperature <= 2)) {
    bad("temperature", "must be between 0 and 2", config.temperature);
  }
  if (
    config.maxOutputTokens !== null &&
    (!Number.isInteger(config.maxOutputTokens) || config.maxOutputTokens < 1)
  ) {
    bad("max_output_tokens", "must be a positive integer", config.maxOutputTokens);
  }
  if (!Number.isInteger(config.contextWindowTokens) || config.contextWindowTokens < 1_000) {
    bad("context_window_tokens", "must be an integer of at least 1000", config.contextWindowTokens);
  } else if (config.maxOutputTokens !== null && config.maxOutputTokens >= config.contextWindowTokens) {
    bad("max_output_tokens", "must be smaller than builtin.context_window_tokens", config.maxOutputTokens);
  }
  if (!Number.isInteger(config.commandTimeoutMs) || config.commandTimeoutMs < 1) {
    bad("command_timeout_ms", "must be a positive integer", config.commandTimeoutMs);
  }
  if (config.tools !== null) {
    const seen = new Set<string>();
    for (const name of config.tools) {
      if (name.trim() === "") bad("tools", "entries must be tool names", name);
      else if (seen.has(name)) bad("tools", "must not repeat a name", name);
      seen.add(name);
    }
  }
  for (const [key, list] of [
    ["allowed_commands", config.allowedCommands],
    ["denied_commands", config.deniedCommands],
  ] as const) {
    for (const pattern of list)
      if (pattern.trim() === "") bad(key, "entries must be non-empty patterns", pattern);
  }
  return problems;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

// "must be a positive integer" → "positive_integer": a stable rule word from the rule text
function ruleName(rule: string): string {
  return rule
    .replace(/^(must be|must|entries must be)\s+/, "")
    .split(/[\s,]+/)
    .slice(0, 3)
    .join("_")
    .replace(/[^a-z0-9_]/gi, "")
    .toLowerCase();
}

/** A problem as one line: "`builtin.x` must …" (for errors raised at session start). */
export function showBuiltinProblem(p: ConfigProblem): string {
  return `\`${p.key}\` ${p.message}`;
}
