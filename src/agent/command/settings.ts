import { z } from "zod";
import type { ResolvedSection } from "../../config/kind-settings.js";
import { envNames, text } from "../../config/schema-parts.js";
import { type ConfigProblem, problem } from "../../domain/config-problem.js";

/** `command:` — the command backend (`agent.backend: command`). */
export interface CommandBackendConfig {
  /** Shell command run per turn with the prompt on stdin; null when unset. */
  readonly run: string | null;
  /** Extra environment variable names passed through to the command (never tracker secrets). */
  readonly envPassthrough: readonly string[];
}

/** The `command:` section as written, with defaults. */
export const commandSchema = z
  .object({
    run: text.nullable().default(null).describe("Shell command run per turn with the prompt on stdin"),
    env_passthrough: envNames,
  })
  .prefault({});

/** `command.run` is required when the command backend is selected; the one place this is checked. */
export function commandRunProblems(command: Pick<CommandBackendConfig, "run">): ConfigProblem[] {
  return (command.run ?? "").trim() === ""
    ? [problem("command.run", "required", "is required when agent.backend is command")]
    : [];
}

/** The parsed `command:` section → {@link CommandBackendConfig} (`run` required only when selected). */
export function resolveCommandSection(
  parsed: unknown,
  selected: boolean,
): ResolvedSection<CommandBackendConfig> {
  const fm = parsed as z.output<typeof commandSchema>;
  const settings: CommandBackendConfig = { run: fm.run, envPassthrough: fm.env_passthrough };
  return { settings, secrets: [], problems: selected ? commandRunProblems(settings) : [] };
}
