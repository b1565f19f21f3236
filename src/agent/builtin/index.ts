/** The built-in LLM-agnostic coding agent (`agent.backend: builtin`). */
export { createBuiltinBackend } from "./backend.js";
export { builtinKind } from "./kind.js";
export type { BuiltinBackendConfig, BuiltinProvider } from "./settings.js";
export { BUILTIN_TOOL_NAMES } from "./tools/toolset.js";
export { validateBuiltinConfig } from "./validate.js";
