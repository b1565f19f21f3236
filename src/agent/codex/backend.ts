import { isAbsolute } from "node:path";
import type { ServiceConfig } from "../../config/types.js";
import type { AgentError } from "../../domain/errors.js";
import type { Logger } from "../../domain/logger.js";
import { err, type Result } from "../../domain/result.js";
import { type Clock, systemClock } from "../../util/clock.js";
import type { AgentBackend, AgentSession, StartSessionOptions } from "../backend.js";
import { autoApproves, normaliseApprovalPolicy } from "./approval-policy.js";
import { createIsolatedHome } from "./isolated-home.js";
import { CodexSession } from "./session.js";
import type { CodexConfig } from "./settings.js";

/** Spec 10.1: protocol lines up to 10 MB are buffered; longer ones become `malformed` events. */
export const MAX_LINE_BYTES = 10 * 1024 * 1024;
const KILL_GRACE_MS = 2_000;

/** Dependencies of the codex backend; `clock` drives read timeouts (tests pass a manual one). */
export interface CodexBackendDeps {
  readonly logger: Logger;
  readonly clock?: Clock;
}

/** The workspace-write turn policy used when `codex.turn_sandbox_policy` is not set. */
export function defaultTurnSandboxPolicy(workspacePath: string): Readonly<Record<string, unknown>> {
  return {
    type: "workspaceWrite",
    writableRoots: [workspacePath],
    networkAccess: false,
    excludeTmpdirEnvVar: false,
    excludeSlashTmp: false,
  };
}

/** Builds the `codex` backend (codex app-server over stdio) from one config snapshot. */
export function createCodexBackend(config: ServiceConfig, deps: CodexBackendDeps): AgentBackend {
  return {
    name: "codex",
    startSession: (options) => startCodexSession(config.codex, deps, options),
  };
}

async function startCodexSession(
  codex: CodexConfig,
  deps: CodexBackendDeps,
  options: StartSessionOptions,
): Promise<Result<AgentSession, AgentError>> {
  if (!isAbsolute(options.workspacePath)) {
    return err({
      category: "invalid_workspace_cwd",
      message: `workspace path must be absolute, got ${options.workspacePath}`,
    });
  }
  const policy = normaliseApprovalPolicy(codex.approvalPolicy);
  if (!policy.ok) {
    return err({ category: "startup_failed", message: `${policy.error.key} ${policy.error.message}` });
  }
  // the operator's CODEX_HOME is not on the child-env allow-list; on the local host it is what `inherit`
  // means and where an isolated home copies its login from
  const operatorHome =
    options.env.CODEX_HOME ?? (options.host.name === "local" ? process.env.CODEX_HOME : undefined);
  let env: Readonly<Record<string, string>> =
    operatorHome === undefined ? options.env : { ...options.env, CODEX_HOME: operatorHome };
  let cleanup = async (): Promise<void> => {};
  if (codex.home === "isolated") {
    const home = await createIsolatedHome(options.host, {
      cwd: options.workspacePath,
      env,
      timeoutMs: codex.readTimeoutMs,
      signal: options.signal,
    });
    if (!home.ok) return err({ category: "startup_failed", message: home.error });
    env = { ...env, CODEX_HOME: home.value.path };
    cleanup = () => home.value.remove().catch(() => {});
    deps.logger.debug("codex isolated home created", { codex_home: home.value.path });
  }
  return CodexSession.start(
    { ...options, env },
    {
      policy: policy.value,
      autoApprove: autoApproves(policy.value),
      threadSandbox: codex.threadSandbox,
      turnSandboxPolicy: codex.turnSandboxPolicy ?? defaultTurnSandboxPolicy(options.workspacePath),
      readTimeoutMs: codex.readTimeoutMs,
      maxLineBytes: MAX_LINE_BYTES,
      killGraceMs: KILL_GRACE_MS,
      clock: deps.clock ?? systemClock,
      cleanup,
    },
    codex.command,
  );
}
