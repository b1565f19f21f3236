import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { loadWorkflowText } from "../../src/workflow/loader.js";

// The deployment files agree with each other and with the image: workflows validate with the variables
// the Secret/compose file provide, probes use the image's healthcheck, and the pod runs as the image's uid.

const repo = resolve(import.meta.dirname, "../..");
const read = (path: string) => readFileSync(join(repo, path), "utf8");

interface K8sDoc {
  kind: string;
  metadata: { name: string };
  [key: string]: unknown;
}

const docs = parseAllDocuments(read("deploy/kubernetes/symphony.yaml")).map((d) => d.toJSON() as K8sDoc);
const byKind = (kind: string) => docs.find((d) => d.kind === kind) as K8sDoc & Record<string, never>;

describe("deploy/ manifests", () => {
  it("Kubernetes: Secret, ConfigMap, ServiceAccount, Role, RoleBinding, PVC, Deployment and Service", () => {
    expect(docs.map((d) => d.kind)).toEqual([
      "Secret",
      "ConfigMap",
      "ServiceAccount",
      "Role",
      "RoleBinding",
      "PersistentVolumeClaim",
      "Deployment",
      "Service",
    ]);
  });

  it("the ConfigMap's workflow validates with exactly the Secret's variables", () => {
    const secret = byKind("Secret") as unknown as { stringData: Record<string, string> };
    const workflow =
      (byKind("ConfigMap") as unknown as { data: Record<string, string> }).data["WORKFLOW.md"] ?? "";
    const loaded = loadWorkflowText(workflow, "/config/WORKFLOW.md", { env: secret.stringData });
    expect(loaded.ok ? [] : loaded.error.map((e) => e.message)).toEqual([]);
    for (const name of workflow.match(/\$[A-Z_]+/g) ?? [])
      expect(Object.keys(secret.stringData)).toContain(name.slice(1));
  });

  it("the Deployment runs the image's uid, read-only, probing with the image's healthcheck, on the Service's port", () => {
    const dockerfile = read("Dockerfile");
    const spec = (byKind("Deployment") as unknown as { spec: { template: { spec: Record<string, never> } } })
      .spec.template.spec as unknown as {
      securityContext: { runAsUser: number; runAsNonRoot: boolean };
      containers: {
        args: string[];
        securityContext: { readOnlyRootFilesystem: boolean; capabilities: { drop: string[] } };
        livenessProbe: { exec: { command: string[] } };
        ports: { containerPort: number }[];
      }[];
    };
    const container = spec.containers[0];
    expect(dockerfile).toContain("USER 1000:1000");
    expect(spec.securityContext).toMatchObject({ runAsUser: 1000, runAsNonRoot: true });
    expect(container?.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
    expect(dockerfile).toContain(
      `CMD ${JSON.stringify(container?.livenessProbe.exec.command)}`.replace(/,/g, ", "),
    );
    expect(container?.ports[0]?.containerPort).toBe(8080);
    const service = byKind("Service") as unknown as { spec: { ports: { port: number }[] } };
    expect(service.spec.ports[0]?.port).toBe(8080);
  });

  it("compose: the example workflow validates with the variables the symphony service sets", () => {
    const compose = parse(read("deploy/compose.yaml")) as {
      services: { symphony: { environment: Record<string, string>; volumes: string[] } };
    };
    const env = Object.fromEntries(Object.keys(compose.services.symphony.environment).map((k) => [k, "x"]));
    const loaded = loadWorkflowText(read("deploy/WORKFLOW.example.md"), "/config/WORKFLOW.md", { env });
    expect(loaded.ok ? [] : loaded.error.map((e) => e.message)).toEqual([]);
    expect(compose.services.symphony.volumes).toContain("./WORKFLOW.md:/config/WORKFLOW.md:ro");
  });
});
