import type { KubernetesConfig } from "./settings.js";

/** Labels on every pod this service starts (the sweeps select on them). */
export const POD_LABELS = {
  managed: "symphony.dev/managed",
  service: "symphony.dev/service",
  instance: "symphony.dev/instance",
  workspace: "symphony.dev/workspace",
  issue: "symphony.dev/issue",
} as const;

/** What one pod is for: the workspace it mounts and who started it. */
export interface PodRequest {
  /** The pod's name (unique in the namespace). */
  readonly name: string;
  /** The workspace directory as commands see it; the volume is mounted exactly there. */
  readonly workspacePath: string;
  /** The workspace key (last path segment): the PVC subPath and a label. */
  readonly workspaceKey: string;
  readonly serviceId: string;
  readonly instanceId: string;
  /** The issue identifier, when known. */
  readonly issue?: string;
}

/** A label value Kubernetes accepts: at most 63 of `[A-Za-z0-9._-]`, alphanumeric at both ends. */
export function labelValue(raw: string): string {
  const cleaned = raw.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 63);
  return cleaned.replace(/^[^A-Za-z0-9]+/, "").replace(/[^A-Za-z0-9]+$/, "");
}

/** The label selector (`k=v,k=v`) of a service's pods, optionally one process's only. */
export function podSelector(serviceId: string, instanceId?: string): string {
  const parts = [`${POD_LABELS.managed}=1`, `${POD_LABELS.service}=${labelValue(serviceId)}`];
  if (instanceId !== undefined) parts.push(`${POD_LABELS.instance}=${labelValue(instanceId)}`);
  return parts.join(",");
}

// Keeps the pod alive doing nothing until it is deleted; hooks and agents arrive by exec.
const IDLE = "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done";

/**
 * The Pod for one workspace: the configured image idling until deleted, non-root with every capability
 * dropped, no privilege escalation and a read-only root filesystem (a writable emptyDir on /tmp, which is
 * also HOME); the workspace on the configured claim (subPath per issue) or on an emptyDir.
 */
export function podManifest(config: KubernetesConfig, request: PodRequest): Record<string, unknown> {
  const labels: Record<string, string> = {
    [POD_LABELS.managed]: "1",
    [POD_LABELS.service]: labelValue(request.serviceId),
    [POD_LABELS.instance]: labelValue(request.instanceId),
    [POD_LABELS.workspace]: labelValue(request.workspaceKey),
  };
  if (request.issue !== undefined) labels[POD_LABELS.issue] = labelValue(request.issue);
  const limits: Record<string, string> = {};
  if (config.cpu !== null) limits.cpu = config.cpu;
  if (config.memory !== null) limits.memory = config.memory;
  const workspaceVolume =
    config.workspaceClaim === null
      ? { name: "workspace", emptyDir: {} }
      : { name: "workspace", persistentVolumeClaim: { claimName: config.workspaceClaim } };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: request.name, namespace: config.namespace, labels },
    spec: {
      restartPolicy: "Never",
      automountServiceAccountToken: config.serviceAccount !== null,
      ...(config.serviceAccount === null ? {} : { serviceAccountName: config.serviceAccount }),
      ...(Object.keys(config.nodeSelector).length === 0 ? {} : { nodeSelector: { ...config.nodeSelector } }),
      ...(config.tolerations.length === 0 ? {} : { tolerations: config.tolerations.map((t) => ({ ...t })) }),
      securityContext: {
        runAsNonRoot: true,
        runAsUser: config.user,
        runAsGroup: config.user,
        fsGroup: config.user,
        seccompProfile: { type: "RuntimeDefault" },
      },
      containers: [
        {
          name: "agent",
          image: config.image,
          command: ["bash", "--noprofile", "--norc", "-c", IDLE],
          workingDir: request.workspacePath,
          env: [{ name: "HOME", value: "/tmp" }],
          ...(Object.keys(limits).length === 0 ? {} : { resources: { limits } }),
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            capabilities: { drop: ["ALL"] },
          },
          volumeMounts: [
            {
              name: "workspace",
              mountPath: request.workspacePath,
              ...(config.workspaceClaim === null ? {} : { subPath: request.workspaceKey }),
            },
            { name: "tmp", mountPath: "/tmp" },
          ],
        },
      ],
      volumes: [workspaceVolume, { name: "tmp", emptyDir: {} }],
    },
  };
}
