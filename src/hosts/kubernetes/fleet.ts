import { createHash, randomUUID } from "node:crypto";
import { err, ok, type Result } from "../../domain/result.js";
import type { HostFleet, HostFleetDeps } from "../kind.js";
import { KubeApiClient } from "./api-client.js";
import { loadClusterAccess } from "./credentials.js";
import { KUBERNETES_HOST_PREFIX } from "./kind.js";
import { createKubernetesHost, type KubernetesHost } from "./kubernetes-host.js";
import { podSelector } from "./pod-manifest.js";
import { deletePod, listPods } from "./pods.js";
import type { KubernetesConfig } from "./settings.js";

/** What a fleet needs besides the kind's deps: the environment (credentials) and test overrides. */
export interface KubernetesFleetOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly serviceAccountDir?: string;
  readonly instanceId?: string;
}

/** A client for the configured cluster, or why none could be made. */
export function kubeClient(
  config: KubernetesConfig,
  env: NodeJS.ProcessEnv,
  serviceAccountDir?: string,
  timeoutMs?: number,
): Result<KubeApiClient, string> {
  const access = loadClusterAccess({
    kubeconfig: config.kubeconfig,
    context: config.context,
    env,
    ...(serviceAccountDir === undefined ? {} : { serviceAccountDir }),
  });
  if (!access.ok) return err(`${access.error.source}: ${access.error.message}`);
  return ok(new KubeApiClient(access.value, timeoutMs));
}

/** The Kubernetes host of one service process, with the startup and shutdown pod sweeps. */
export function createKubernetesFleet(deps: HostFleetDeps, options: KubernetesFleetOptions = {}): HostFleet {
  const env = options.env ?? process.env;
  const instanceId = options.instanceId ?? randomUUID();
  const config = () => deps.worker().kubernetes;
  const serviceId = () =>
    config()?.serviceId ?? createHash("sha256").update(deps.workflowPath).digest("hex").slice(0, 16);
  let host: KubernetesHost | null = null;
  let client: { key: string; value: Result<KubeApiClient, string> } | null = null;
  const clientFor = (k8s: KubernetesConfig): Result<KubeApiClient, string> => {
    const key = JSON.stringify([k8s.kubeconfig, k8s.context]);
    if (client?.key !== key) client = { key, value: kubeClient(k8s, env, options.serviceAccountDir) };
    return client.value;
  };
  const sweep = async (selector: string): Promise<number> => {
    const k8s = config();
    if (k8s === undefined) return 0;
    const api = clientFor(k8s);
    if (!api.ok) throw new Error(api.error);
    const found = await listPods(api.value, k8s.namespace, selector);
    if (!found.ok) throw new Error(found.error.message);
    let removed = 0;
    for (const pod of found.value) {
      if ((await deletePod(api.value, k8s.namespace, pod.metadata.name)).ok) removed += 1;
    }
    return removed;
  };

  return {
    host(name) {
      if (!name.startsWith(KUBERNETES_HOST_PREFIX)) return undefined;
      const k8s = config();
      if (k8s === undefined) throw new TypeError(`no kubernetes: section configured for ${name}`);
      host ??= createKubernetesHost({
        config: () => config() ?? k8s,
        client: () => clientFor(config() ?? k8s),
        workspaceRoot: deps.workspaceRoot,
        serviceId: serviceId(),
        instanceId,
        ...(deps.killGraceMs === undefined ? {} : { killGraceMs: deps.killGraceMs }),
      });
      return host;
    },
    async reapStale() {
      try {
        const removed = await sweep(podSelector(serviceId()));
        if (removed > 0) deps.logger.info("removed leftover pods", { removed });
      } catch (cause) {
        deps.logger.warn("could not sweep leftover pods", {
          error: cause instanceof Error ? cause.message : String(cause),
        });
      }
    },
    async close() {
      await host?.close();
      await sweep(podSelector(serviceId(), instanceId)).catch(() => 0);
    },
  };
}
