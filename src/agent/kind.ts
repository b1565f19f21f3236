import type { BackendSettingsKind } from "../config/kind-settings.js";
import type { ServiceConfig } from "../config/types.js";
import type { CheckResult } from "../domain/doctor-finding.js";
import type { AgentError } from "../domain/errors.js";
import type { Logger } from "../domain/logger.js";
import type { Result } from "../domain/result.js";
import type { AgentBackend, AgentSession, StartSessionOptions } from "./backend.js";

/** What `symphony doctor` lends a backend's probe: generic checks it can ask for by name. */
export interface BackendProbeTools {
  /** Does the first program of `commandLine` (from WORKFLOW.md `key`) resolve for `bash -lc`? */
  programResolves(key: string, commandLine: string): Promise<CheckResult>;
  /** Starts one real session in a temp workspace on the local host and stops it. */
  startSession(): Promise<CheckResult>;
}

/**
 * One agent backend kind (`agent.backend: <name>`): its settings section and preflight (from
 * {@link BackendSettingsKind}), its factory, and its doctor probe. The module defining it stays light: the
 * implementation is imported inside `create` (see {@link lazyBackend}), so `symphony --version`/`validate`
 * never load an SDK they do not use.
 */
export interface BackendKind<Settings = unknown> extends BackendSettingsKind<Settings> {
  /** The WORKFLOW.md key and shell command line that start the agent; absent for in-process agents. */
  commandLine?(config: ServiceConfig): { readonly key: string; readonly line: string };
  /** Builds the backend from one config snapshot. */
  create(config: ServiceConfig, deps: { readonly logger: Logger }): AgentBackend;
  /** Doctor's probe: quick by default; `deep` may start a real session or call the model. */
  doctor(
    config: ServiceConfig,
    tools: BackendProbeTools,
    deep: boolean,
    signal: AbortSignal,
  ): Promise<readonly CheckResult[]>;
}

/**
 * A backend whose implementation module is imported on the first session start (then cached): the
 * kind's definition module can name the factory without loading its dependencies.
 */
export function lazyBackend(name: string, load: () => Promise<AgentBackend>): AgentBackend {
  let loaded: Promise<AgentBackend> | null = null;
  return {
    name,
    async startSession(options: StartSessionOptions): Promise<Result<AgentSession, AgentError>> {
      loaded ??= load();
      return (await loaded).startSession(options);
    },
  };
}
