import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { streamText } from "ai";
import { agentCommandLine, firstProgram, resolveProgram } from "../../agent/agent-program.js";
import { mapModelError } from "../../agent/builtin/model-errors.js";
import { buildLanguageModel } from "../../agent/builtin/provider.js";
import { createBackend } from "../../agent/registry.js";
import type { ServiceConfig } from "../../config/types.js";
import { messageOf } from "../../domain/errors.js";
import { silentLogger } from "../../domain/logger.js";
import { buildChildEnv } from "../../hosts/child-env.js";
import { createLocalHost } from "../../hosts/local.js";
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
  const found = await resolveProgram(program, config.workflowDir, env, signal);
  return found === null
    ? result(
        "agent",
        "fail",
        `${program} (from ${key}) is not found by bash -lc on PATH=${env.PATH ?? ""}`,
        `install ${program}, or put it on the PATH of the service user (login shell files count)`,
      )
    : result("agent", "ok", `${config.agent.backend}: ${program} resolves to ${found}`);
}

/** Starts one real agent session against a temp workspace and stops it (codex/command `--deep`). */
async function startOneSession(
  config: ServiceConfig,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
): Promise<CheckResult> {
  const backend = createBackend(config, { logger: silentLogger });
  if (!backend.ok) return result("agent session", "fail", backend.error.message);
  const workspace = await mkdtemp(join(tmpdir(), "symphony-doctor-"));
  try {
    const started = await backend.value.startSession({
      host: createLocalHost(),
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

const MODEL_FIX: Readonly<Record<string, string>> = {
  model_auth: "the model provider rejected the key: check builtin.api_key and its variable",
  model_rate_limited: "the model provider is rate limiting this key: wait or raise the quota",
  model_server_error: "the model endpoint failed or is unreachable: check builtin.base_url and the network",
};

/** One tiny request to the configured model (builtin `--deep`); errors reported by category. */
async function askModel(config: ServiceConfig, signal: AbortSignal): Promise<CheckResult> {
  let failure: unknown = null;
  try {
    const stream = streamText({
      model: buildLanguageModel(config.builtin),
      prompt: "Reply with the single word OK.",
      maxOutputTokens: 16,
      maxRetries: 0,
      abortSignal: signal,
      onError: ({ error }) => {
        failure ??= error;
      },
    });
    await stream.consumeStream();
    if (failure === null) await stream.text;
  } catch (cause) {
    failure ??= cause;
  }
  if (failure !== null) {
    const error = mapModelError(failure, signal.aborted);
    const message =
      config.builtin.apiKey === null
        ? error.message
        : error.message.split(config.builtin.apiKey).join("[redacted]");
    return result("agent model", "fail", `${error.category}: ${message}`, MODEL_FIX[error.category]);
  }
  return result(
    "agent model",
    "ok",
    `${config.builtin.provider} model ${config.builtin.model ?? ""} answered`,
  );
}

/**
 * The agent backend can start: codex/command → the program resolves on PATH (and with `deep`, a real
 * session starts and stops); builtin → the config is valid (checked by the workflow check) and with
 * `deep`, one tiny model request succeeds.
 */
export async function checkAgent(
  config: ServiceConfig,
  env: NodeJS.ProcessEnv,
  deep: boolean,
  signal: AbortSignal,
): Promise<readonly CheckResult[]> {
  try {
    switch (config.agent.backend) {
      case "codex":
      case "command":
      case "claude": {
        const { key, line } = agentCommandLine(config) ?? { key: "codex.command", line: "" };
        const resolves = await checkResolves(key, line, config, env, signal);
        if (!deep || resolves.status !== "ok") return [resolves];
        return [resolves, await startOneSession(config, env, signal)];
      }
      case "builtin": {
        const valid = result("agent", "ok", `builtin ${config.builtin.provider} settings are valid`);
        return deep ? [valid, await askModel(config, signal)] : [valid];
      }
      default: {
        const _exhaustive: never = config.agent.backend;
        return [result("agent", "fail", `unknown backend ${String(_exhaustive)}`)];
      }
    }
  } catch (cause) {
    return [result("agent", "fail", messageOf(cause))];
  }
}
