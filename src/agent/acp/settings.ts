import { z } from "zod";
import type { ResolvedSection } from "../../config/kind-settings.js";
import { envNames, positiveInt, text } from "../../config/schema-parts.js";
import { type ConfigProblem, problem } from "../../domain/config-problem.js";

/** `acp:` — any agent speaking the Agent Client Protocol over stdio (`agent.backend: acp`). */
export interface AcpConfig {
  /** The agent's command line (run with bash in the workspace); null when unset. */
  readonly command: string | null;
  /**
   * Answer the agent's permission requests with its "allow" option. False (the default): refuse, cancel
   * the turn and block the issue with the question — the codex posture.
   */
  readonly autoApprove: boolean;
  /** Bound on `initialize` and `session/new`, and on the wait for a cancelled turn to close. */
  readonly readTimeoutMs: number;
  /** Extra environment variable names the agent may see (its API key, …); never tracker secrets. */
  readonly envPassthrough: readonly string[];
}

/** The `acp:` section as written (snake_case), with defaults. */
export const acpSchema = z
  .object({
    command: text
      .nullable()
      .default(null)
      .describe("The ACP agent's command line, e.g. `claude-code-acp` or `gemini --experimental-acp`"),
    auto_approve: z
      .boolean({ error: "must be true or false" })
      .default(false)
      .describe("true: pick the agent's allow option for every permission request; false: block the issue"),
    read_timeout_ms: positiveInt().default(30_000).describe("Startup and cancellation limit"),
    env_passthrough: envNames.describe("Extra environment variables passed to the agent (e.g. its API key)"),
  })
  .prefault({});

/** `acp.command` is required when the acp backend is selected; the one place this is checked. */
export function acpCommandProblems(acp: Pick<AcpConfig, "command">): ConfigProblem[] {
  return (acp.command ?? "").trim() === ""
    ? [problem("acp.command", "required", "is required when agent.backend is acp")]
    : [];
}

/** The parsed `acp:` section → {@link AcpConfig} (`command` required only when selected). */
export function resolveAcpSection(parsed: unknown, selected: boolean): ResolvedSection<AcpConfig> {
  const settings = acpSettings(parsed as z.output<typeof acpSchema>);
  return { settings, secrets: [], problems: selected ? acpCommandProblems(settings) : [] };
}

function acpSettings(fm: z.output<typeof acpSchema>): AcpConfig {
  return {
    command: fm.command,
    autoApprove: fm.auto_approve,
    readTimeoutMs: fm.read_timeout_ms,
    envPassthrough: fm.env_passthrough,
  };
}

/** The defaults of an empty `acp:` section. */
export function defaultAcpConfig(): AcpConfig {
  return acpSettings(acpSchema.parse(undefined));
}
