import { type CheckResult, result } from "../../domain/doctor-finding.js";
import { kubeClient } from "./fleet.js";
import type { KubernetesConfig } from "./settings.js";

/** The cluster answers with these credentials and the service may list pods in the namespace. */
export async function checkKubernetes(
  config: KubernetesConfig,
  timeoutMs: number,
): Promise<readonly CheckResult[]> {
  const name = `kubernetes ${config.namespace}`;
  const client = kubeClient(config, process.env, undefined, timeoutMs);
  if (!client.ok)
    return [result(name, "fail", client.error, "set kubernetes.kubeconfig or run in a cluster")];
  const listed = await client.value.call(
    "GET",
    `/api/v1/namespaces/${encodeURIComponent(config.namespace)}/pods?limit=1`,
  );
  if (!listed.ok) {
    const unreachable = listed.error.kind === "unreachable";
    return [
      result(
        name,
        "fail",
        `${unreachable ? "unreachable" : `HTTP ${listed.error.status ?? "?"}`}: ${listed.error.message}`,
        unreachable
          ? `check that ${client.value.access.server} answers`
          : "grant the Role in deploy/kubernetes/agent-rbac.yaml",
      ),
    ];
  }
  return [
    result(name, "ok", `API at ${client.value.access.server} answers; pods listable in ${config.namespace}`),
  ];
}
