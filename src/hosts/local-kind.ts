import { LOCAL_HOST_NAME } from "./host-resolver.js";
import type { HostKind } from "./kind.js";
import { createLocalHost } from "./local.js";

/** The orchestrator's own machine (host name `local`). */
export const localHostKind: HostKind = {
  name: "local",
  handles: (name) => name === LOCAL_HOST_NAME,
  create: (_name, deps) => createLocalHost({ loginShell: deps.loginShell ?? false }),
};
