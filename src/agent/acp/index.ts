export type { AcpBackendDeps } from "./backend.js";
export { createAcpBackend } from "./backend.js";
export { acpKind } from "./kind.js";
export { ACP_PROTOCOL_VERSION } from "./session.js";
export type { AcpConfig } from "./settings.js";
export { acpSchema, defaultAcpConfig, resolveAcpSection } from "./settings.js";
