import type { ServiceConfig } from "../config/types.js";
import type { AgentError } from "../domain/errors.js";
import type { Logger } from "../domain/logger.js";
import { err, ok, type Result } from "../domain/result.js";
import type { AgentBackend, BackendFactory } from "./backend.js";
import { createBuiltinBackend } from "./builtin/index.js";
import { createClaudeBackend } from "./claude/index.js";
import { createCodexBackend } from "./codex/index.js";
import { createCommandBackend } from "./command/backend.js";

/** Backend name (`agent.backend`) → factory. */
export const backendFactories: Readonly<Record<string, BackendFactory>> = {
  builtin: createBuiltinBackend,
  codex: createCodexBackend,
  command: createCommandBackend,
  claude: (config, deps) => createClaudeBackend(config.claude, deps),
};

/** Builds the configured backend, or `agent_not_found` when no factory is registered for it. */
export function createBackend(
  config: ServiceConfig,
  deps: { readonly logger: Logger },
  factories: Readonly<Record<string, BackendFactory>> = backendFactories,
): Result<AgentBackend, AgentError> {
  const factory = factories[config.agent.backend];
  if (factory === undefined) {
    return err({
      category: "agent_not_found",
      message: `agent.backend ${JSON.stringify(config.agent.backend)} is not available; known: ${Object.keys(factories).join(", ")}`,
    });
  }
  return ok(factory(config, deps));
}
