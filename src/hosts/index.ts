/** The host seam: the Host capabilities, the host kind definition and the resolver over the registry. */
export type { Host, HostError, HostProcess, RunScriptOptions, ScriptResult } from "./host.js";
export type { HostResolver } from "./host-resolver.js";
export { createHostResolver, LOCAL_HOST_NAME } from "./host-resolver.js";
export type { HostDeps, HostKind } from "./kind.js";
export { hostKindFor } from "./kind.js";
