export { commandBackend, createCommandBackend, INPUT_REQUIRED_MARKER, TOOL_CALL_MARKER } from "./backend.js";
export { commandKind } from "./kind.js";
export type { CommandBackendConfig } from "./settings.js";
