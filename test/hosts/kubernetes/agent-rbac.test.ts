import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";

const repo = resolve(import.meta.dirname, "../../..");

describe("deploy/kubernetes/agent-rbac.yaml", () => {
  it("is a namespaced Role with exactly what the kubernetes host calls: pods CRUD-less-update, pods/exec, PVC read", () => {
    const docs = parseAllDocuments(readFileSync(join(repo, "deploy/kubernetes/agent-rbac.yaml"), "utf8")).map(
      (d) => d.toJSON() as { kind: string; metadata: { namespace?: string }; rules?: unknown },
    );
    expect(docs.map((d) => d.kind)).toEqual(["Namespace", "Role", "RoleBinding"]);
    const role = docs[1];
    expect(role?.metadata.namespace).toBe("symphony-agents");
    expect(role?.rules).toEqual([
      { apiGroups: [""], resources: ["pods"], verbs: ["create", "get", "list", "delete"] },
      { apiGroups: [""], resources: ["pods/exec"], verbs: ["get", "create"] },
      { apiGroups: [""], resources: ["persistentvolumeclaims"], verbs: ["get"] },
    ]);
  });
});
