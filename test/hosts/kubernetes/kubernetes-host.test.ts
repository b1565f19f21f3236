import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { WorkerConfig } from "../../../src/config/types.js";
import { silentLogger } from "../../../src/domain/logger.js";
import type { Host } from "../../../src/hosts/host.js";
import { KubeApiClient } from "../../../src/hosts/kubernetes/api-client.js";
import { loadClusterAccess } from "../../../src/hosts/kubernetes/credentials.js";
import { createKubernetesFleet } from "../../../src/hosts/kubernetes/fleet.js";
import { podManifest } from "../../../src/hosts/kubernetes/pod-manifest.js";
import type { KubernetesConfig } from "../../../src/hosts/kubernetes/settings.js";
import { FakeKubeApiServer } from "../../support/fake-kube-apiserver.js";
import { type KubeCerts, kubeconfigFor, mintKubeCerts } from "../../support/kube-certs.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { describeNeeding, OPENSSL } from "../../support/tools.js";
import { until } from "../../support/until.js";

const TOKEN = "fake-token-0123456789";

const { describe: describeOpenssl } = describeNeeding([OPENSSL]);

describeOpenssl("kubernetes host against a schema-validating fake API server", () => {
  let certs: KubeCerts;
  let api: FakeKubeApiServer;
  let dir: { path: string; cleanup: () => Promise<void> };

  beforeAll(async () => {
    certs = mintKubeCerts();
    api = await FakeKubeApiServer.start(certs, TOKEN);
    dir = await makeTempDir();
  });
  afterAll(async () => {
    await api.close();
    await dir.cleanup();
  });

  const config = (kubeconfig: string, extra: Partial<KubernetesConfig> = {}): KubernetesConfig => ({
    image: "agent:1",
    namespace: "agents",
    serviceAccount: null,
    cpu: "250m",
    memory: "256Mi",
    nodeSelector: {},
    tolerations: [],
    workspaceClaim: null,
    user: 1000,
    kubeconfig,
    context: null,
    maxConcurrentAgents: null,
    podReadyTimeoutMs: 5_000,
    serviceId: "svc-test",
    ...extra,
  });
  const writeKubeconfig = (name: string, auth: { token: string } | "cert", server = api.url) => {
    const path = join(dir.path, name);
    writeFileSync(path, kubeconfigFor(server, certs, auth));
    return path;
  };
  const fleetFor = (k8s: KubernetesConfig, root: string, instanceId?: string) =>
    createKubernetesFleet(
      {
        worker: () =>
          ({
            sshHosts: [],
            maxConcurrentAgentsPerHost: null,
            loginShell: false,
            kind: "kubernetes",
            kubernetes: k8s,
          }) as WorkerConfig,
        workspaceRoot: () => root,
        workflowPath: "/w/WORKFLOW.md",
        logger: silentLogger,
        killGraceMs: 300,
      },
      { env: {}, ...(instanceId === undefined ? {} : { instanceId }) },
    );

  it("token auth: a workspace becomes a pod; hooks run in it with exit status from channel 3; stop deletes it", async () => {
    const root = join(dir.path, "ws-token");
    const fleet = fleetFor(config(writeKubeconfig("token.yaml", { token: TOKEN })), root);
    const host = fleet.host("kubernetes:agents") as Host;
    const path = join(root, "ABC-1");
    expect(await host.ensureDir(path)).toEqual({ created: true, realPath: path });
    expect(api.pods.size).toBe(1);
    const ran = await host.runScript('echo "in $PWD as $WHO"; echo oops >&2; exit 3', {
      cwd: path,
      env: { WHO: "agent", SYMPHONY_ISSUE_IDENTIFIER: "ABC-1" },
      timeoutMs: 10_000,
    });
    expect(ran).toMatchObject({ exitCode: 3, timedOut: false, aborted: false });
    expect(ran.output).toContain(`in ${path} as agent`);
    expect(ran.output).toContain("oops");
    // the workspace now has content: a second ensureDir reuses the pod and says it was not created
    await host.runScript("touch marker", { cwd: path, env: {}, timeoutMs: 10_000 });
    expect((await host.ensureDir(path)).created).toBe(false);
    expect(await host.listDirs(root)).toEqual({ ok: true, value: new Set(["ABC-1"]) });

    // an agent over stdio: stdin closed by channel 255 gives it end-of-file
    const proc = host.spawn("cat; echo done", { cwd: path, env: {} });
    let out = "";
    proc.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    proc.stdin.write("hello\n");
    proc.stdin.end();
    expect(await proc.exited).toEqual({ code: 0, signal: null });
    expect(out).toBe("hello\ndone\n");

    // kill ends the command's whole process group through a second exec
    const long = host.spawn("sleep 30 & sleep 30", { cwd: path, env: {} });
    await new Promise((r) => setTimeout(r, 300));
    await long.kill(200);
    expect((await long.exited).code).not.toBe(0);

    await fleet.close();
    expect(api.pods.size).toBe(0);
    expect(api.violations).toEqual([]);
    expect(api.requests.every((r) => r.auth === "token")).toBe(true);
    expect(api.requests.some((r) => r.method === "EXEC")).toBe(true);
  }, 60_000);

  it("client-certificate auth works; a wrong token is refused as a typed failure", async () => {
    const root = join(dir.path, "ws-cert");
    const before = api.requests.length;
    const fleet = fleetFor(config(writeKubeconfig("cert.yaml", "cert")), root);
    const host = fleet.host("kubernetes:agents") as Host;
    await host.ensureDir(join(root, "C-1"));
    const ran = await host.runScript("echo cert-ok", { cwd: join(root, "C-1"), env: {}, timeoutMs: 10_000 });
    expect(ran.output.trim()).toBe("cert-ok");
    expect(api.requests.slice(before).every((r) => r.auth === "cert")).toBe(true);
    await fleet.close();

    const bad = fleetFor(config(writeKubeconfig("bad.yaml", { token: "wrong" })), root).host(
      "kubernetes:agents",
    ) as Host;
    const refused = await bad.ensureDir(join(root, "C-2")).catch((cause: unknown) => bad.failureOf(cause));
    expect(refused).toEqual({ kind: "failed", host: "kubernetes:agents", message: "Unauthorized" });
    expect(api.violations).toEqual([]);
  }, 60_000);

  it("startup sweeps a predecessor's pods by label; a down API server is a typed unreachable failure, not a crash", async () => {
    const root = join(dir.path, "ws-sweep");
    const kubeconfig = writeKubeconfig("sweep.yaml", { token: TOKEN });
    const crashed = fleetFor(config(kubeconfig), root, "old-instance");
    await (crashed.host("kubernetes:agents") as Host).ensureDir(join(root, "S-1"));
    expect(api.pods.size).toBe(1); // the old process "crashed": no close()
    const next = fleetFor(config(kubeconfig), root, "new-instance");
    await next.reapStale();
    expect(api.pods.size).toBe(0);

    const down = fleetFor(
      config(writeKubeconfig("down.yaml", { token: TOKEN }, "https://127.0.0.1:1")),
      root,
    );
    await expect(down.reapStale()).resolves.toBeUndefined();
    const host = down.host("kubernetes:agents") as Host;
    const failure = await host.ensureDir(join(root, "S-2")).catch((cause: unknown) => host.failureOf(cause));
    expect(failure).toMatchObject({ kind: "unreachable", host: "kubernetes:agents" });
    const hook = await host.runScript("true", { cwd: join(root, "S-2"), env: {}, timeoutMs: 5_000 });
    expect(hook.unreachable).toBe(true);
  }, 60_000);

  it("the fake refuses an invalid pod with a 422 Invalid Status and records the violation", async () => {
    const access = loadClusterAccess({
      kubeconfig: writeKubeconfig("v.yaml", { token: TOKEN }),
      context: null,
      env: {},
    });
    if (!access.ok) throw new Error(access.error.message);
    const client = new KubeApiClient(access.value);
    const pod = podManifest(config(""), {
      name: "bad-pod",
      workspacePath: "/x/B-1",
      workspaceKey: "B-1",
      serviceId: "s",
      instanceId: "i",
    }) as { spec: { containers: Record<string, unknown>[] } };
    (pod.spec.containers[0] as Record<string, unknown>).command = "not-a-list";
    const before = api.violations.length;
    const created = await client.call("POST", "/api/v1/namespaces/agents/pods", pod);
    expect(created).toMatchObject({ ok: false, error: { kind: "status", status: 422, reason: "Invalid" } });
    expect(api.violations.slice(before)).toEqual([
      expect.objectContaining({
        method: "POST",
        violations: [{ path: "/spec/containers/0/command", message: "must be array" }],
      }),
    ]);
    api.violations.splice(before);
    await until(() => api.pods.size === 0, 1_000, "no pod stored");
  });
});
