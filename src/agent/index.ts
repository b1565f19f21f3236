/** The agent seam: the backend interface, the kind definition, the registry lookups and the runner. */
export type {
  AgentBackend,
  AgentSession,
  BackendFactory,
  StartSessionOptions,
  TurnInput,
} from "./backend.js";
export type { BackendKind, BackendProbeTools } from "./kind.js";
export { lazyBackend } from "./kind.js";
export { agentEnvPassthrough, createBackend } from "./registry.js";
export { agentConfigProblems } from "./validate.js";
