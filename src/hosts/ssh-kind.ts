import type { HostKind } from "./kind.js";
import { createSshHost } from "./ssh.js";
import { parseSshDestination } from "./ssh-destination.js";

/** An SSH worker (`worker.ssh_hosts` entries): any valid ssh destination. */
export const sshHostKind: HostKind = {
  name: "ssh",
  handles: (name) => parseSshDestination(name).ok,
  create: (name, deps) =>
    createSshHost(name, { parentEnv: deps.parentEnv, loginShell: deps.loginShell ?? false }),
};
