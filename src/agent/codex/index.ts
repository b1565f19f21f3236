export { autoApproves, normaliseApprovalPolicy, validateCodexConfig } from "./approval-policy.js";
export type { CodexBackendDeps } from "./backend.js";
export { createCodexBackend, defaultTurnSandboxPolicy, MAX_LINE_BYTES } from "./backend.js";
export { filterProviderConfig } from "./isolated-home.js";
export { codexKind } from "./kind.js";
export type { CodexConfig } from "./settings.js";
