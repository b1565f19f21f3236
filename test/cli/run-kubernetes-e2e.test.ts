import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { KubeApiClient } from "../../src/hosts/kubernetes/api-client.js";
import { loadClusterAccess } from "../../src/hosts/kubernetes/credentials.js";
import { POD_LABELS } from "../../src/hosts/kubernetes/pod-manifest.js";
import { sigtermWithin, TestCli } from "../support/cli-process.js";
import { FakeKubeApiServer } from "../support/fake-kube-apiserver.js";
import { type KubeCerts, kubeconfigFor, mintKubeCerts } from "../support/kube-certs.js";
import { makeTempDir } from "../support/temp-dir.js";
import { describeNeeding, OPENSSL } from "../support/tools.js";
import { until } from "../support/until.js";

const { describe: describeOpenssl } = describeNeeding([OPENSSL]);

// `symphony run` with `worker.kind: kubernetes` against the schema-validating fake API server: the
// workspace is a pod, hooks and the command agent run in it by exec, and every request body is valid.

const SERVICE = "k8s-e2e";
const TOKEN = "e2e-token-abcdef0123";
const toHumanReview = `SYMPHONY_TOOL: {"name":"update_issue","arguments":{"state":"Human Review"}}`;

describeOpenssl("symphony run with worker.kind: kubernetes (fake API server)", { timeout: 90_000 }, () => {
  let certs: KubeCerts;
  let api: FakeKubeApiServer;
  let dir: { path: string; cleanup: () => Promise<void> };
  const cli = new TestCli();

  beforeAll(async () => {
    certs = mintKubeCerts();
  });
  beforeEach(async () => {
    api = await FakeKubeApiServer.start(certs, TOKEN);
    dir = await makeTempDir("symphony-k8s-e2e-");
    await mkdir(join(dir.path, "home"));
    await mkdir(join(dir.path, "project", "issues"), { recursive: true });
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === "fail") process.stderr.write(`--- CLI output ---\n${cli.output()}\n`);
    cli.kill();
    await api.close();
    await dir.cleanup();
  });
  afterAll(() => {});

  it("a command-agent turn completes in a pod; a predecessor's pod is swept; SIGTERM deletes the pod; every body was schema-valid", async () => {
    const project = join(dir.path, "project");
    const kubeconfig = join(dir.path, "kubeconfig");
    await writeFile(kubeconfig, kubeconfigFor(api.url, certs, { token: TOKEN }));
    await writeFile(join(project, "issues/K-1.md"), "---\ntitle: pod work\nstate: Todo\n---\n");
    // a pod a crashed predecessor left behind (same service label): the startup sweep deletes it
    const access = loadClusterAccess({ kubeconfig, context: null, env: {} });
    if (!access.ok) throw new Error(access.error.message);
    const leftover = await new KubeApiClient(access.value).call("POST", "/api/v1/namespaces/agents/pods", {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "leftover", labels: { [POD_LABELS.managed]: "1", [POD_LABELS.service]: SERVICE } },
      spec: { containers: [{ name: "agent", image: "agent:1" }] },
    });
    expect(leftover.ok).toBe(true);
    const run = `p=$(cat); echo "agent pwd=$PWD prompt=$p secret=\${LEAKY_SECRET:-none}" >> agent.txt; echo '${toHumanReview}'; sleep 30`;
    await writeFile(
      join(project, "WORKFLOW.md"),
      [
        "---",
        "tracker:",
        "  kind: local",
        "worker:",
        "  kind: kubernetes",
        "kubernetes:",
        "  image: agent:1",
        "  namespace: agents",
        `  service_id: ${SERVICE}`,
        `  kubeconfig: ${kubeconfig}`,
        "  cpu: 500m",
        "  memory: 512Mi",
        "  pod_ready_timeout_ms: 10000",
        "workspace:",
        `  root: ${join(dir.path, "ws")}`,
        "hooks:",
        "  after_create: 'echo \"created id=$SYMPHONY_ISSUE_IDENTIFIER\" > created.txt'",
        "  before_run: 'echo before_run >> hooks.txt'",
        "  timeout_ms: 30000",
        "agent:",
        "  backend: command",
        "  max_turns: 1",
        "  max_retry_backoff_ms: 500",
        "command:",
        `  run: ${JSON.stringify(run)}`,
        "---",
        "Work on {{ issue.identifier }}",
        "",
      ].join("\n"),
    );
    const { proc } = cli.start(join(project, "WORKFLOW.md"), dir.path, { LEAKY_SECRET: "s3cret" });

    await until(
      async () => (await readFile(join(project, "issues/K-1.md"), "utf8")).includes("state: Human Review"),
      40_000,
      "K-1 to reach Human Review",
    );
    expect([...api.pods.keys()].some((k) => k.endsWith("/leftover"))).toBe(false);
    const ws = join(dir.path, "ws", "K-1");
    expect(await readFile(join(ws, "created.txt"), "utf8")).toBe("created id=K-1\n");
    expect(await readFile(join(ws, "hooks.txt"), "utf8")).toBe("before_run\n");
    expect(await readFile(join(ws, "agent.txt"), "utf8")).toBe(
      `agent pwd=${ws} prompt=Work on K-1 secret=none\n`,
    );
    expect(cli.output()).toMatch(/msg="dispatching issue" issue_id=K-1 .*host=kubernetes:agents/);
    const pods = [...api.pods.values()];
    expect(pods).toHaveLength(1);
    expect(pods[0]?.metadata.labels).toMatchObject({
      [POD_LABELS.issue]: "K-1",
      [POD_LABELS.service]: SERVICE,
    });

    expect(await sigtermWithin(proc, 15_000)).toBe(0);
    expect(api.pods.size).toBe(0);
    expect(api.violations).toEqual([]);
    expect(api.requests.filter((r) => r.method === "POST").length).toBeGreaterThanOrEqual(2);
    expect(api.requests.some((r) => r.method === "EXEC")).toBe(true);
  });
});
