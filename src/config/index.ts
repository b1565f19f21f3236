export type { BuildConfigOptions } from "./build-config.js";
export { buildServiceConfig, problemError } from "./build-config.js";
export { normaliseByState } from "./by-state.js";
export { expandHome, resolveConfigPath, resolveVarValue, varReferenceName } from "./env-values.js";
export type {
  BackendSettingsKind,
  ConfigKinds,
  ResolvedSection,
  SettingsContext,
  SettingsSection,
  TrackerSettingsKind,
} from "./kind-settings.js";
export type { ProviderContext, ProviderParser } from "./provider.js";
export type { FrontMatter } from "./schema.js";
export { frontMatterSchema, workflowJsonSchema } from "./schema.js";
export type {
  AgentBackendName,
  AgentConfig,
  BackendSections,
  HooksConfig,
  ServerConfig,
  ServiceConfig,
  TrackerConfig,
  TrackerConfigBase,
  TrackerConfigOf,
  TrackerKindName,
  TrackerProviders,
  WorkerConfig,
  WorkspaceConfig,
} from "./types.js";
