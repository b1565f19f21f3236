import { resolveConfigPath } from "../../config/env-values.js";
import type { HostKind } from "../kind.js";
import { type KubernetesConfig, kubernetesSchema, resolveKubernetesSection } from "./settings.js";

declare module "../../config/types.js" {
  interface HostSections {
    /** `kubernetes:` — present when `worker.kind` is `kubernetes`. */
    readonly kubernetes: KubernetesConfig;
  }
}

/** Prefix of the Kubernetes host's name (`kubernetes:<namespace>`), as recorded on runs. */
export const KUBERNETES_HOST_PREFIX = "kubernetes:";

/** `worker.kind: kubernetes` — each workspace's hooks and agent run in its own Pod, reached by exec. */
export const kubernetesHostKind: HostKind<KubernetesConfig> = {
  name: "kubernetes",
  handles: (name) => name.startsWith(KUBERNETES_HOST_PREFIX),
  settings: {
    section: "kubernetes",
    schema: kubernetesSchema,
    resolve: (parsed, ctx) =>
      resolveKubernetesSection(parsed, ctx, (path) => resolveConfigPath(path, ctx.workflowDir, ctx.env)),
    pool: (k8s) => [{ name: `${KUBERNETES_HOST_PREFIX}${k8s.namespace}`, cap: k8s.maxConcurrentAgents }],
  },
  fleet: async (deps) => (await import("./fleet.js")).createKubernetesFleet(deps),
  doctor: async (worker, timeoutMs) =>
    worker.kubernetes === undefined
      ? []
      : (await import("./doctor.js")).checkKubernetes(worker.kubernetes, timeoutMs),
};
