import { z } from "zod";
import type { ResolvedSection } from "../../config/kind-settings.js";
import { envNames, integer, map, positiveInt, text } from "../../config/schema-parts.js";
import { type ConfigProblem, problem } from "../../domain/config-problem.js";

/** `codex:` — approval/sandbox values are passed to codex (after translating legacy forms). */
export interface CodexConfig {
  readonly command: string;
  /** A string (passed through) or `{ granular: {...} }` (the legacy `reject` map translated at start). */
  readonly approvalPolicy: string | Readonly<Record<string, unknown>>;
  readonly threadSandbox: string;
  /** Null → the backend builds a workspace-write policy rooted at the workspace. */
  readonly turnSandboxPolicy: Readonly<Record<string, unknown>> | null;
  /** The spec's key; governs every backend unless `agent.turn_timeout_ms` is set (see `AgentConfig`). */
  readonly turnTimeoutMs: number;
  readonly readTimeoutMs: number;
  /** ≤ 0 disables stall detection. */
  readonly stallTimeoutMs: number;
  /** `isolated`: a fresh CODEX_HOME per attempt; `inherit`: the operator's. */
  readonly home: "inherit" | "isolated";
  /** Extra environment variable names passed to codex (never tracker secrets). */
  readonly envPassthrough: readonly string[];
}

/** The `codex:` section as written (snake_case), with defaults. */
export const codexSchema = z
  .object({
    command: text.default("codex app-server").describe("Launched with `bash -lc` in the workspace"),
    approval_policy: z
      .union([text, map], { error: "must be a string or a map" })
      .default({ granular: { sandbox_approval: false, rules: false, mcp_elicitations: false } })
      .describe("Codex AskForApproval value; the Elixir `reject` map is translated to `granular`"),
    thread_sandbox: text.default("workspace-write").describe("Codex SandboxMode value, passed through"),
    turn_sandbox_policy: map
      .nullable()
      .default(null)
      .describe("Codex SandboxPolicy value; null builds a workspace-write policy"),
    turn_timeout_ms: positiveInt().default(3_600_000),
    read_timeout_ms: positiveInt().default(5_000),
    stall_timeout_ms: integer.default(300_000).describe("≤ 0 disables stall detection"),
    home: z
      .enum(["inherit", "isolated"], { error: "must be inherit or isolated" })
      .default("inherit")
      .describe("isolated: a fresh CODEX_HOME per attempt"),
    env_passthrough: envNames.describe("Extra environment variables passed to codex (e.g. OPENAI_API_KEY)"),
  })
  .prefault({});

/** `codex.command` must not be blank (spec 6.3); the one place this is checked. */
export function codexCommandProblems(codex: Pick<CodexConfig, "command">): ConfigProblem[] {
  return codex.command.trim() === "" ? [problem("codex.command", "not_blank", "must not be blank")] : [];
}

/** The parsed `codex:` section → {@link CodexConfig}; the command must not be blank (checked always). */
export function resolveCodexSection(parsed: unknown): ResolvedSection<CodexConfig> {
  const fm = parsed as z.output<typeof codexSchema>;
  const settings: CodexConfig = {
    command: fm.command,
    approvalPolicy: fm.approval_policy,
    threadSandbox: fm.thread_sandbox,
    turnSandboxPolicy: fm.turn_sandbox_policy,
    turnTimeoutMs: fm.turn_timeout_ms,
    readTimeoutMs: fm.read_timeout_ms,
    stallTimeoutMs: fm.stall_timeout_ms,
    home: fm.home,
    envPassthrough: fm.env_passthrough,
  };
  return { settings, secrets: [], problems: codexCommandProblems(settings) };
}
