import type { ServiceConfig } from "../config/types.js";
import { validateBuiltinConfig } from "./builtin/validate.js";
import { validateCodexConfig } from "./codex/index.js";
import { backendFactories } from "./registry.js";

/** One problem with the agent settings, keyed by the WORKFLOW.md key it concerns. */
export interface AgentConfigProblem {
  readonly key: string;
  readonly message: string;
}

/**
 * Checks that the configured agent backend exists and can be launched with these settings
 * (spec 6.3 preflight). Used by `symphony validate`, at startup and before every dispatch.
 */
export function agentConfigProblems(config: ServiceConfig): AgentConfigProblem[] {
  const backend = config.agent.backend;
  if (backendFactories[backend] === undefined) {
    return [{ key: "agent.backend", message: `${JSON.stringify(backend)} is not available` }];
  }
  switch (backend) {
    case "codex":
      return validateCodexConfig(config.codex).map(splitKey);
    case "command":
      return (config.command.run ?? "").trim() === ""
        ? [{ key: "command.run", message: "is required when agent.backend is command" }]
        : [];
    case "claude":
      return []; // the schema already refused a blank command and unknown permission modes
    case "builtin": {
      const problems = validateBuiltinConfig(config.builtin).map(splitBuiltinKey);
      // its file tools run in the orchestrator process, so it cannot work in a workspace on an SSH worker
      if (config.worker.sshHosts.length > 0) {
        problems.push({
          key: "worker.ssh_hosts",
          message:
            "must be empty when agent.backend is builtin (its file tools run in-process, on this machine)",
        });
      }
      return problems;
    }
    default: {
      const _exhaustive: never = backend;
      return _exhaustive;
    }
  }
}

/** `"codex.x must …"` → key `codex.x`, message `must …`. */
function splitKey(problem: string): AgentConfigProblem {
  const match = /^(codex(?:\.[a-z_]+)*) (.*)$/s.exec(problem);
  return match?.[1] !== undefined && match[2] !== undefined
    ? { key: match[1], message: match[2] }
    : { key: "codex", message: problem };
}

/** "`builtin.x` must …" → key `builtin.x`, message `must …`. */
function splitBuiltinKey(problem: string): AgentConfigProblem {
  const match = /^`(builtin\.[a-z_]+)` (.*)$/s.exec(problem);
  return match?.[1] !== undefined && match[2] !== undefined
    ? { key: match[1], message: match[2] }
    : { key: "builtin", message: problem };
}

/** Environment variable names the operator allowed through to the configured backend's processes. */
export function agentEnvPassthrough(config: ServiceConfig): readonly string[] {
  switch (config.agent.backend) {
    case "codex":
      return config.codex.envPassthrough;
    case "command":
      return config.command.envPassthrough;
    case "claude":
      return config.claude.envPassthrough;
    case "builtin":
      return [];
  }
}
