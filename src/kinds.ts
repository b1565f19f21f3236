import { acpKind } from "./agent/acp/kind.js";
import { builtinKind } from "./agent/builtin/kind.js";
import { claudeKind } from "./agent/claude/kind.js";
import { codexKind } from "./agent/codex/kind.js";
import { commandKind } from "./agent/command/kind.js";
import type { BackendKind } from "./agent/kind.js";
import type { ConfigKinds } from "./config/kind-settings.js";
import { type KindRegistry, kindRegistry } from "./domain/kind.js";
import { dockerHostKind } from "./hosts/docker/kind.js";
import type { HostKind } from "./hosts/kind.js";
import { kubernetesHostKind } from "./hosts/kubernetes/kind.js";
import { localHostKind } from "./hosts/local-kind.js";
import { sshHostKind } from "./hosts/ssh-kind.js";
import { embeddedStoreKind } from "./store/embedded-kind.js";
import type { StoreKind } from "./store/kind.js";
import { postgresStoreKind } from "./store/postgres-kind.js";
import { asanaKind } from "./tracker/asana/kind.js";
import { githubKind } from "./tracker/github/kind.js";
import { githubProjectKind } from "./tracker/github-project/kind.js";
import { gitlabKind } from "./tracker/gitlab/kind.js";
import { jiraKind } from "./tracker/jira/kind.js";
import type { TrackerKind } from "./tracker/kind.js";
import { linearKind } from "./tracker/linear/kind.js";
import { localKind } from "./tracker/local/kind.js";
import { memoryKind } from "./tracker/memory/kind.js";

// Every pluggable kind, by seam. Adding a tracker, backend or host = its folder + one line here.
// Definition modules are light (settings schema + parser); implementations load inside their factories.

/** `tracker.kind` values. */
export const TRACKERS: KindRegistry<TrackerKind> = kindRegistry<TrackerKind>([
  memoryKind,
  localKind,
  linearKind,
  jiraKind,
  asanaKind,
  githubKind,
  githubProjectKind,
  gitlabKind,
]);

/** `agent.backend` values (the first is the default). */
export const BACKENDS: KindRegistry<BackendKind> = kindRegistry<BackendKind>([
  codexKind,
  builtinKind,
  commandKind,
  claudeKind,
  acpKind,
]);

/** `worker.kind` values: hosts runs can be placed on; the first kind that handles a host name builds it. */
export const HOSTS: KindRegistry<HostKind> = kindRegistry<HostKind>([
  localHostKind,
  dockerHostKind,
  kubernetesHostKind,
  sshHostKind,
]);

/** `store.kind` values (the first is the default). */
export const STORES: KindRegistry<StoreKind> = kindRegistry<StoreKind>([
  embeddedStoreKind,
  postgresStoreKind,
]);

/** The registries config loading consults. */
export const CONFIG_KINDS: ConfigKinds = {
  trackers: TRACKERS,
  backends: BACKENDS,
  stores: STORES,
  hosts: HOSTS,
};
