import type { ServiceConfig } from "../config/types.js";
import { buildChildEnv } from "../hosts/child-env.js";
import { createLocalHost } from "../hosts/local.js";

/** The program a shell command line starts: its first word, skipping `NAME=value` assignments and quotes. */
export function firstProgram(commandLine: string): string | null {
  for (const word of commandLine.trim().split(/\s+/)) {
    if (word === "" || /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) continue;
    return word.replace(/^['"]|['"]$/g, "");
  }
  return null;
}

/** The config key and shell command line that start the agent, or null for the in-process builtin agent. */
export function agentCommandLine(config: ServiceConfig): { key: string; line: string } | null {
  switch (config.agent.backend) {
    case "codex":
      return { key: "codex.command", line: config.codex.command };
    case "command":
      return { key: "command.run", line: config.command.run ?? "" };
    case "claude":
      return { key: "claude.command", line: config.claude.command };
    case "builtin":
      return null;
    default: {
      const _exhaustive: never = config.agent.backend;
      return _exhaustive;
    }
  }
}

/** Does `program` resolve for `bash -lc` in an allow-listed environment? Returns its path or null. */
export async function resolveProgram(
  program: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
): Promise<string | null> {
  const quoted = `'${program.replace(/'/g, `'\\''`)}'`;
  const ran = await createLocalHost().runScript(`command -v -- ${quoted}`, {
    cwd,
    timeoutMs: 10_000,
    env: buildChildEnv({ parent: env }),
    signal,
  });
  const path = ran.output.trim().split("\n").at(-1) ?? "";
  return ran.exitCode === 0 && path !== "" ? path : null;
}
