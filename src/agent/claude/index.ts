export type { ClaudeBackendDeps } from "./backend.js";
export { createClaudeBackend } from "./backend.js";
export { claudeCommandLine, mcpConfigJson } from "./command-line.js";
export { claudeKind } from "./kind.js";
export type { ClaudeConfig, ClaudePermissionMode } from "./settings.js";
export { claudeSchema, defaultClaudeConfig, PERMISSION_MODES, resolveClaudeSection } from "./settings.js";
