import { z } from "zod";
import { resolveOptionalSecret } from "../../config/env-values.js";
import type { ResolvedSection, SettingsContext } from "../../config/kind-settings.js";
import { nonBlank, positiveInt, text, textList } from "../../config/schema-parts.js";
import { type ConfigProblem, problem } from "../../domain/config-problem.js";

/** Providers the built-in agent speaks. */
export type BuiltinProvider = "openai" | "anthropic" | "google" | "openai-compatible";

/** `builtin:` — the built-in LLM-agnostic agent (`agent.backend: builtin`). */
export interface BuiltinBackendConfig {
  readonly provider: BuiltinProvider;
  readonly model: string | null;
  /** Resolved secret (from `$VAR`), or null. */
  readonly apiKey: string | null;
  readonly baseUrl: string | null;
  readonly maxSteps: number;
  readonly temperature: number | null;
  readonly maxOutputTokens: number | null;
  /** Tokens of context the model accepts; history is trimmed to fit. */
  readonly contextWindowTokens: number;
  /** Appended to the built-in coding-agent system prompt. */
  readonly systemPrompt: string | null;
  /** Allow-list of tool names; null → all. */
  readonly tools: readonly string[] | null;
  readonly commandTimeoutMs: number;
  /** Glob-like patterns; empty allow-list → all commands allowed unless denied. */
  readonly allowedCommands: readonly string[];
  readonly deniedCommands: readonly string[];
}

/** Every provider name, in the order messages list them. */
export const BUILTIN_PROVIDERS: readonly BuiltinProvider[] = [
  "openai",
  "anthropic",
  "google",
  "openai-compatible",
];

/** The `builtin:` section as written, with defaults. */
export const builtinSchema = z
  .object({
    provider: z
      .enum(["openai", "anthropic", "google", "openai-compatible"], {
        error: "must be one of openai, anthropic, google, openai-compatible",
      })
      .default("openai-compatible"),
    model: nonBlank.nullable().default(null),
    api_key: text.nullable().default(null).describe("Secret; use $VAR to read it from the environment"),
    base_url: text.url({ error: "must be a URL" }).nullable().default(null),
    max_steps: positiveInt().default(50),
    temperature: z
      .number({ error: "must be a number between 0 and 2" })
      .min(0, { error: "must be a number between 0 and 2" })
      .max(2, { error: "must be a number between 0 and 2" })
      .nullable()
      .default(null),
    max_output_tokens: positiveInt().nullable().default(null),
    context_window_tokens: positiveInt().default(128_000),
    system_prompt: text.nullable().default(null),
    tools: textList.nullable().default(null).describe("Allow-list of tool names; null → all"),
    command_timeout_ms: positiveInt().default(120_000),
    allowed_commands: textList.default([]),
    denied_commands: textList.default([]),
  })
  .prefault({});

/** `builtin.model` is required when the builtin backend is selected; the one place this is checked. */
export function builtinModelProblems(builtin: Pick<BuiltinBackendConfig, "model">): ConfigProblem[] {
  return builtin.model === null || builtin.model.trim() === ""
    ? [
        problem(
          "builtin.model",
          "required",
          "is required when agent.backend is builtin",
          JSON.stringify(builtin.model),
        ),
      ]
    : [];
}

/** The parsed `builtin:` section → {@link BuiltinBackendConfig}; the api key is a secret (`$VAR` resolved). */
export function resolveBuiltinSection(
  parsed: unknown,
  ctx: SettingsContext,
  selected: boolean,
): ResolvedSection<BuiltinBackendConfig> {
  const fm = parsed as z.output<typeof builtinSchema>;
  const secrets: string[] = [];
  const settings: BuiltinBackendConfig = {
    provider: fm.provider,
    model: fm.model,
    apiKey: resolveOptionalSecret(fm.api_key, ctx.env, secrets),
    baseUrl: fm.base_url,
    maxSteps: fm.max_steps,
    temperature: fm.temperature,
    maxOutputTokens: fm.max_output_tokens,
    contextWindowTokens: fm.context_window_tokens,
    systemPrompt: fm.system_prompt,
    tools: fm.tools,
    commandTimeoutMs: fm.command_timeout_ms,
    allowedCommands: fm.allowed_commands,
    deniedCommands: fm.denied_commands,
  };
  return { settings, secrets, problems: selected ? builtinModelProblems(settings) : [] };
}
