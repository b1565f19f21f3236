import type { ServiceConfig } from "../config/types.js";
import type { AgentError } from "../domain/errors.js";
import type { KindRegistry } from "../domain/kind.js";
import type { Logger } from "../domain/logger.js";
import { err, ok, type Result } from "../domain/result.js";
import type { AgentBackend } from "./backend.js";
import type { BackendKind } from "./kind.js";

/** Builds the configured backend from its kind, or `agent_not_found` when no kind has that name. */
export function createBackend(
  config: ServiceConfig,
  deps: { readonly logger: Logger },
  backends: KindRegistry<BackendKind>,
): Result<AgentBackend, AgentError> {
  const kind = backends.get(config.agent.backend);
  if (kind === undefined) {
    return err({
      category: "agent_not_found",
      message: `agent.backend ${JSON.stringify(config.agent.backend)} is not available; known: ${backends.names.join(", ")}`,
    });
  }
  return ok(kind.create(config, deps));
}

/** Environment variable names the operator allowed through to the configured backend's processes. */
export function agentEnvPassthrough(
  config: ServiceConfig,
  backends: KindRegistry<BackendKind>,
): readonly string[] {
  return backends.get(config.agent.backend)?.envPassthrough(config) ?? [];
}
