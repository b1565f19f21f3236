import { describe, expect, it } from "vitest";
import { labelValue, podManifest, podSelector } from "../../../src/hosts/kubernetes/pod-manifest.js";
import type { KubernetesConfig } from "../../../src/hosts/kubernetes/settings.js";
import { KubeSchemas } from "../../support/kube-openapi.js";

const base: KubernetesConfig = {
  image: "agent:1",
  namespace: "agents",
  serviceAccount: null,
  cpu: null,
  memory: null,
  nodeSelector: {},
  tolerations: [],
  workspaceClaim: null,
  user: 1000,
  kubeconfig: null,
  context: null,
  maxConcurrentAgents: null,
  podReadyTimeoutMs: 120_000,
  serviceId: null,
};
const request = {
  name: "symphony-abc-1-x1",
  workspacePath: "/work/ABC-1",
  workspaceKey: "ABC-1",
  serviceId: "svc",
  instanceId: "inst",
  issue: "ABC-1",
};
const schemas = new KubeSchemas();
// a deep copy typed loosely, to read and break nested fields
const loose = (value: unknown) => JSON.parse(JSON.stringify(value));

describe("kubernetes pod manifest", () => {
  it("every option set is a schema-valid Pod: limits, node selector, tolerations, claim subPath, service account", () => {
    const pod = podManifest(
      {
        ...base,
        serviceAccount: "symphony-agent",
        cpu: "500m",
        memory: "1Gi",
        nodeSelector: { pool: "agents" },
        tolerations: [{ key: "dedicated", operator: "Equal", value: "agents", effect: "NoSchedule" }],
        workspaceClaim: "workspaces",
      },
      request,
    );
    expect(schemas.violations("io.k8s.api.core.v1.Pod", pod)).toEqual([]);
    const spec = loose(pod.spec);
    expect(spec.serviceAccountName).toBe("symphony-agent");
    expect(spec.containers[0].resources).toEqual({ limits: { cpu: "500m", memory: "1Gi" } });
    expect(spec.containers[0].volumeMounts[0]).toEqual({
      name: "workspace",
      mountPath: "/work/ABC-1",
      subPath: "ABC-1",
    });
    expect(spec.volumes[0]).toEqual({
      name: "workspace",
      persistentVolumeClaim: { claimName: "workspaces" },
    });
  });

  it("defaults: non-root, all capabilities dropped, read-only root, no token mounted, emptyDir workspace", () => {
    const pod = podManifest(base, request);
    expect(schemas.violations("io.k8s.api.core.v1.Pod", pod)).toEqual([]);
    const spec = loose(pod.spec);
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(spec.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
    });
    expect(spec.volumes[0]).toEqual({ name: "workspace", emptyDir: {} });
    expect(loose(pod.metadata).labels).toEqual({
      "symphony.dev/managed": "1",
      "symphony.dev/service": "svc",
      "symphony.dev/instance": "inst",
      "symphony.dev/workspace": "ABC-1",
      "symphony.dev/issue": "ABC-1",
    });
  });

  it("the validator refuses what a real server refuses: wrong types, a missing required field, unknown fields", () => {
    const pod = loose(podManifest(base, request));
    pod.spec.containers[0].securityContext.runAsUser = "root";
    pod.spec.containers[0].imagePullPolicyy = "Always";
    delete pod.spec.containers[0].name;
    const found = schemas.violations("io.k8s.api.core.v1.Pod", pod).map((v) => `${v.path}: ${v.message}`);
    expect(found).toEqual(
      expect.arrayContaining([
        "/spec/containers/0/securityContext/runAsUser: must be integer",
        '/spec/containers/0: unknown field "imagePullPolicyy"',
        "/spec/containers/0: must have required property 'name'",
      ]),
    );
  });

  it("label values and selectors stay within what Kubernetes accepts", () => {
    expect(labelValue("#weird issue/42!")).toBe("weird_issue_42");
    expect(labelValue("x".repeat(80))).toHaveLength(63);
    expect(podSelector("svc", "i")).toBe(
      "symphony.dev/managed=1,symphony.dev/service=svc,symphony.dev/instance=i",
    );
  });
});
