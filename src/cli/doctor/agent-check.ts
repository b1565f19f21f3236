import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { firstProgram, resolveProgram } from "../../agent/agent-program.js";
import type { BackendKind, BackendProbeTools } from "../../agent/kind.js";
import { createBackend } from "../../agent/registry.js";
import type { ServiceConfig } from "../../config/types.js";
import { messageOf } from "../../domain/errors.js";
import type { KindRegistry } from "../../domain/kind.js";
import { silentLogger } from "../../domain/logger.js";
import { buildChildEnv } from "../../hosts/child-env.js";
import { createLocalHost } from "../../hosts/local.js";
import { BACKENDS } from "../../kinds.js";
import { SAMPLE_ISSUE } from "../../workflow/prompt-context.js";
import { type CheckResult, result } from "./check.js";

/** Re-exported for the doctor's callers; the helper lives beside the backends. */
export { firstProgram } from "../../agent/agent-program.js";

async function checkResolves(
  key: string,
  commandLine: string,
  config: ServiceConfig,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
): Promise<CheckResult> {
  const program = firstProgram(commandLine);
  if (program === null) return result("agent", "fail", `${key} is blank`, `set ${key}`);
  const found = await resolveProgram(program, config.workflowDir, env, signal, config.worker.loginShell);
  return found === null
    ? result(
        "agent",
        "fail",
        `${program} (from ${key}) is not found by bash on PATH=${env.PATH ?? ""}`,
        config.worker.loginShell
          ? `install ${program}, or put it on the PATH of the service user (login shell files count)`
          : `install ${program}, or put it on the PATH the service starts with (~/.profile is not read unless worker.login_shell: true)`,
      )
    : result("agent", "ok", `${config.agent.backend}: ${program} resolves to ${found}`);
}

/** Starts one real agent session against a temp workspace and stops it (codex/command `--deep`). */
async function startOneSession(
  config: ServiceConfig,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
  backends: KindRegistry<BackendKind>,
): Promise<CheckResult> {
  const backend = createBackend(config, { logger: silentLogger }, backends);
  if (!backend.ok) return result("agent session", "fail", backend.error.message);
  const workspace = await mkdtemp(join(tmpdir(), "symphony-doctor-"));
  try {
    const started = await backend.value.startSession({
      host: createLocalHost({ loginShell: config.worker.loginShell }),
      workspacePath: workspace,
      issue: SAMPLE_ISSUE,
      tools: { specs: [], execute: async () => ({ success: false, output: "doctor: no tools" }) },
      env: buildChildEnv({ parent: env }),
      onEvent: () => {},
      signal,
      logger: silentLogger,
    });
    if (!started.ok) {
      return result(
        "agent session",
        "fail",
        `${started.error.category}: ${started.error.message}`,
        "run the agent command by hand in an empty directory to see why it does not start",
      );
    }
    await started.value.stop();
    return result("agent session", "ok", `${config.agent.backend} session started and stopped`);
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}

/**
 * The agent backend can start: runs the backend kind's doctor probe (codex/command → the program resolves
 * on PATH, and with `deep` a real session starts and stops; builtin → with `deep`, one tiny model request).
 */
export async function checkAgent(
  config: ServiceConfig,
  env: NodeJS.ProcessEnv,
  deep: boolean,
  signal: AbortSignal,
  backends: KindRegistry<BackendKind> = BACKENDS,
): Promise<readonly CheckResult[]> {
  try {
    const kind = backends.get(config.agent.backend);
    if (kind === undefined) return [result("agent", "fail", `unknown backend ${config.agent.backend}`)];
    const tools: BackendProbeTools = {
      programResolves: (key, line) => checkResolves(key, line, config, env, signal),
      startSession: () => startOneSession(config, env, signal, backends),
    };
    return await kind.doctor(config, tools, deep, signal);
  } catch (cause) {
    return [result("agent", "fail", messageOf(cause))];
  }
}
