import type { ServiceConfig } from "../config/types.js";
import type { KindRegistry } from "../domain/kind.js";
import { buildChildEnv } from "../hosts/child-env.js";
import { createLocalHost } from "../hosts/local.js";
import type { BackendKind } from "./kind.js";

/** The program a shell command line starts: its first word, skipping `NAME=value` assignments and quotes. */
export function firstProgram(commandLine: string): string | null {
  for (const word of commandLine.trim().split(/\s+/)) {
    if (word === "" || /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) continue;
    return word.replace(/^['"]|['"]$/g, "");
  }
  return null;
}

/** The config key and shell command line that start the agent (from its kind), or null for in-process agents. */
export function agentCommandLine(
  config: ServiceConfig,
  backends: KindRegistry<BackendKind>,
): { key: string; line: string } | null {
  return backends.get(config.agent.backend)?.commandLine?.(config) ?? null;
}

/** Does `program` resolve for the service's shell (see `worker.login_shell`) in an allow-listed environment? Returns its path or null. */
export async function resolveProgram(
  program: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
  loginShell = false,
): Promise<string | null> {
  const quoted = `'${program.replace(/'/g, `'\\''`)}'`;
  const ran = await createLocalHost({ loginShell }).runScript(`command -v -- ${quoted}`, {
    cwd,
    timeoutMs: 10_000,
    env: buildChildEnv({ parent: env }),
    signal,
  });
  const path = ran.output.trim().split("\n").at(-1) ?? "";
  return ran.exitCode === 0 && path !== "" ? path : null;
}
