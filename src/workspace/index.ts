export { isStrictlyInside } from "./containment.js";
export type { HookReport, HookRun } from "./hooks.js";
export { excerpt, runHook } from "./hooks.js";
export { workspaceKey } from "./key.js";
export type {
  HookEnvBuilder,
  PreparedWorkspace,
  WorkspaceCall,
  WorkspaceManager,
  WorkspaceManagerDeps,
} from "./manager.js";
export { createWorkspaceManager } from "./manager.js";
