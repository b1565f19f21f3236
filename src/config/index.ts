export type { BuildConfigOptions } from "./build-config.js";
export { buildServiceConfig } from "./build-config.js";
export { normaliseByState } from "./by-state.js";
export { validateCodexSettings } from "./codex-settings.js";
export { expandHome, resolveConfigPath, resolveVarValue, varReferenceName } from "./env-values.js";
export type { ProviderContext, ProviderParser } from "./provider.js";
export type { FrontMatter } from "./schema.js";
export { frontMatterSchema, workflowJsonSchema } from "./schema.js";
export type { TrackerKindDefinition } from "./tracker-kinds.js";
export { TRACKER_KINDS, trackerKind } from "./tracker-kinds.js";
export type {
  AgentBackendName,
  AgentConfig,
  BuiltinBackendConfig,
  BuiltinProvider,
  CodexConfig,
  CommandBackendConfig,
  HooksConfig,
  ServerConfig,
  ServiceConfig,
  TrackerConfig,
  WorkerConfig,
  WorkspaceConfig,
} from "./types.js";
