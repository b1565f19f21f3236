import { z } from "zod";
import type { ResolvedSection, SettingsContext } from "../../config/kind-settings.js";
import { type ConfigProblem, problem } from "../../domain/config-problem.js";

const text = z.string({ error: "must be a string" });
const nonBlank = text.trim().min(1, { error: "must not be blank" });
const positiveInt = z
  .number({ error: "must be a positive integer" })
  .int({ error: "must be a positive integer" })
  .positive({ error: "must be a positive integer" });

const tolerationSchema = z.object({
  key: nonBlank.optional(),
  operator: z.enum(["Exists", "Equal"], { error: "must be Exists or Equal" }).optional(),
  value: text.optional(),
  effect: z
    .enum(["NoSchedule", "PreferNoSchedule", "NoExecute"], {
      error: "must be NoSchedule, PreferNoSchedule or NoExecute",
    })
    .optional(),
});

/** `kubernetes:` — a Pod per workspace for hooks and agents when `worker.kind` is `kubernetes`. */
export const kubernetesSchema = z
  .object({
    image: nonBlank.nullable().default(null).describe("Agent image (needs bash)"),
    namespace: nonBlank.default("default").describe("Namespace the pods run in"),
    service_account: nonBlank.nullable().default(null).describe("Pod service account (null: none mounted)"),
    cpu: nonBlank.nullable().default(null).describe("CPU limit per pod, a Kubernetes quantity (e.g. 500m)"),
    memory: nonBlank
      .nullable()
      .default(null)
      .describe("Memory limit per pod, a Kubernetes quantity (e.g. 1Gi)"),
    node_selector: z.record(z.string(), text).default({}).describe("Pod nodeSelector labels"),
    tolerations: z.array(tolerationSchema, { error: "must be a list of tolerations" }).default([]),
    workspace_claim: nonBlank
      .nullable()
      .default(null)
      .describe("PersistentVolumeClaim holding workspaces (subPath per issue); null: an emptyDir per pod"),
    user: positiveInt.default(1000).describe("Non-root uid (and gid) hooks and agents run as"),
    kubeconfig: nonBlank
      .nullable()
      .default(null)
      .describe("Kubeconfig file; null: $KUBECONFIG, ~/.kube/config, else in-cluster"),
    context: nonBlank.nullable().default(null).describe("Kubeconfig context (null: current-context)"),
    max_concurrent_agents: positiveInt.nullable().default(null).describe("Pods running at once"),
    pod_ready_timeout_ms: positiveInt.default(120_000).describe("How long a new pod may take to run"),
    service_id: nonBlank
      .nullable()
      .default(null)
      .describe("Label value that marks this service's pods (default: derived from the workflow path)"),
  })
  .prefault({});

/** One pod toleration, as the API spells it. */
export type Toleration = z.output<typeof tolerationSchema>;

/** `kubernetes:` after validation. */
export interface KubernetesConfig {
  readonly image: string;
  readonly namespace: string;
  readonly serviceAccount: string | null;
  readonly cpu: string | null;
  readonly memory: string | null;
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
  readonly workspaceClaim: string | null;
  readonly user: number;
  /** Resolved kubeconfig path, or null (then $KUBECONFIG, ~/.kube/config, in-cluster). */
  readonly kubeconfig: string | null;
  readonly context: string | null;
  readonly maxConcurrentAgents: number | null;
  readonly podReadyTimeoutMs: number;
  readonly serviceId: string | null;
}

// A DNS-1123 label (namespaces, claim names) and a Kubernetes resource quantity.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const QUANTITY = /^[+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$/;

/** Validates the section for `worker.kind: kubernetes`; problems are typed, at `kubernetes.*` keys. */
export function resolveKubernetesSection(
  parsed: unknown,
  ctx: SettingsContext,
  resolvePath: (path: string) => string,
): ResolvedSection<KubernetesConfig | null> {
  const fm = parsed as z.output<typeof kubernetesSchema>;
  const problems: ConfigProblem[] = [];
  if (fm.image === null)
    problems.push(problem("kubernetes.image", "required", "is required when worker.kind is kubernetes"));
  for (const [key, value] of [
    ["namespace", fm.namespace],
    ["workspace_claim", fm.workspace_claim],
  ] as const) {
    if (value !== null && !DNS_LABEL.test(value))
      problems.push(
        problem(
          `kubernetes.${key}`,
          "dns_label",
          `must be a DNS-1123 label, got ${JSON.stringify(value)}`,
          value,
        ),
      );
  }
  for (const [key, value] of [
    ["cpu", fm.cpu],
    ["memory", fm.memory],
  ] as const) {
    if (value !== null && !QUANTITY.test(value))
      problems.push(
        problem(
          `kubernetes.${key}`,
          "quantity",
          `must be a Kubernetes quantity, got ${JSON.stringify(value)}`,
          value,
        ),
      );
  }
  if (problems.length > 0 || fm.image === null) return { settings: null, secrets: [], problems };
  void ctx;
  return {
    secrets: [],
    problems,
    settings: {
      image: fm.image,
      namespace: fm.namespace,
      serviceAccount: fm.service_account,
      cpu: fm.cpu,
      memory: fm.memory,
      nodeSelector: fm.node_selector,
      tolerations: fm.tolerations,
      workspaceClaim: fm.workspace_claim,
      user: fm.user,
      kubeconfig: fm.kubeconfig === null ? null : resolvePath(fm.kubeconfig),
      context: fm.context,
      maxConcurrentAgents: fm.max_concurrent_agents,
      podReadyTimeoutMs: fm.pod_ready_timeout_ms,
      serviceId: fm.service_id,
    },
  };
}
