import { z } from "zod";
import type { ResolvedSection } from "../../config/kind-settings.js";
import { envNames, nonBlank, positiveInt, text, textList } from "../../config/schema-parts.js";

/** Claude Code's permission modes (`--permission-mode`). */
export const PERMISSION_MODES = ["default", "acceptEdits", "plan", "dontAsk", "bypassPermissions"] as const;

/** A Claude Code permission mode. */
export type ClaudePermissionMode = (typeof PERMISSION_MODES)[number];

/** `claude:` — the Claude Code backend (`agent.backend: claude`). */
export interface ClaudeConfig {
  /** Launched with `bash -lc` in the workspace; Symphony appends the stream-json flags. */
  readonly command: string;
  /** `--model`; null leaves the CLI's own default. */
  readonly model: string | null;
  /** `--permission-mode`; only `bypassPermissions` lets tool calls through without an allow rule. */
  readonly permissionMode: ClaudePermissionMode;
  /** `--allowedTools` rules (e.g. `Edit`, `Bash(npm test:*)`): granted without asking. */
  readonly allowedTools: readonly string[];
  /** `--disallowedTools` rules: never offered to the model. */
  readonly disallowedTools: readonly string[];
  /** `--max-turns` (model round trips per Symphony turn); null = the CLI's default. */
  readonly maxTurns: number | null;
  /** Extra arguments appended verbatim (each shell-quoted). */
  readonly extraArgs: readonly string[];
  /** `isolated`: a fresh CLAUDE_CONFIG_DIR per attempt holding only the login; `inherit`: the operator's. */
  readonly home: "inherit" | "isolated";
  /** How long startup (spawn → `initialize` answered) may take. */
  readonly readTimeoutMs: number;
  /** Extra environment variable names passed to claude (e.g. ANTHROPIC_API_KEY); never tracker secrets. */
  readonly envPassthrough: readonly string[];
}

/** The `claude:` section as written (snake_case), with defaults. */
export const claudeSchema = z
  .object({
    command: nonBlank
      .default("claude")
      .describe("Launched with `bash -lc` in the workspace; stream-json flags are appended"),
    model: text.nullable().default(null).describe("--model; null keeps the CLI default"),
    permission_mode: z
      .enum(PERMISSION_MODES, { error: `must be one of ${PERMISSION_MODES.join(", ")}` })
      .default("default")
      .describe("--permission-mode; only bypassPermissions runs unlisted tools without blocking the issue"),
    allowed_tools: textList.default([]).describe("--allowedTools rules granted without asking"),
    disallowed_tools: textList.default([]).describe("--disallowedTools rules"),
    max_turns: positiveInt().nullable().default(null).describe("--max-turns per Symphony turn"),
    extra_args: textList.default([]).describe("Extra CLI arguments, appended verbatim"),
    home: z
      .enum(["inherit", "isolated"], { error: "must be inherit or isolated" })
      .default("isolated")
      .describe("isolated: a fresh CLAUDE_CONFIG_DIR per attempt with only the operator's login"),
    read_timeout_ms: positiveInt().default(30_000).describe("Startup limit: spawn until the CLI answers"),
    env_passthrough: envNames.describe(
      "Extra environment variables passed to claude (e.g. ANTHROPIC_API_KEY)",
    ),
  })
  .prefault({});

/** The parsed `claude:` section → {@link ClaudeConfig} (the schema already refused what cannot work). */
export function resolveClaudeSection(parsed: unknown): ResolvedSection<ClaudeConfig> {
  return { settings: claudeSettings(parsed as z.output<typeof claudeSchema>), secrets: [], problems: [] };
}

function claudeSettings(parsed: z.output<typeof claudeSchema>): ClaudeConfig {
  return {
    command: parsed.command,
    model: parsed.model,
    permissionMode: parsed.permission_mode,
    allowedTools: parsed.allowed_tools,
    disallowedTools: parsed.disallowed_tools,
    maxTurns: parsed.max_turns,
    extraArgs: parsed.extra_args,
    home: parsed.home,
    readTimeoutMs: parsed.read_timeout_ms,
    envPassthrough: parsed.env_passthrough,
  };
}

/** The defaults of an empty `claude:` section. */
export function defaultClaudeConfig(): ClaudeConfig {
  return claudeSettings(claudeSchema.parse(undefined));
}
