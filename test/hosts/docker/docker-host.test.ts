import { readFile, stat } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type ContainerSettings, LABELS } from "../../../src/hosts/docker/container-spec.js";
import { createDockerHost, type DockerHost } from "../../../src/hosts/docker/docker-host.js";
import { parseEngineAddress } from "../../../src/hosts/docker/engine-address.js";
import { DockerEngineError, EngineClient } from "../../../src/hosts/docker/engine-client.js";
import {
  buildTestImage,
  containersLabelled,
  DOCKER_TOOLS,
  startDockerd,
  TEST_IMAGE,
  type TestDockerd,
} from "../../support/dockerd.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { describeNeeding } from "../../support/tools.js";

const { describe: describeDocker } = describeNeeding(DOCKER_TOOLS);

const SERVICE = "docker-host-test";
let daemon: TestDockerd;
let root: { path: string; cleanup: () => Promise<void> };

/** Container settings for the test image (non-root, read-only root, no network by default). */
function settings(overrides: Partial<ContainerSettings> = {}): ContainerSettings {
  return {
    image: TEST_IMAGE,
    network: "none",
    cpus: 1,
    memoryMb: 256,
    pidsLimit: 64,
    user: "1000:1000",
    readOnlyRoot: true,
    readOnlyMounts: [],
    tmpSizeMb: 16,
    ...overrides,
  };
}

function engineFor(address: string): EngineClient {
  const parsed = parseEngineAddress(address);
  if (!parsed.ok) throw new Error(parsed.error.reason);
  return new EngineClient("test", parsed.value, { timeoutMs: 5_000 });
}

function host(overrides: Partial<ContainerSettings> = {}, address = daemon.address): DockerHost {
  return createDockerHost({
    engineName: "test",
    engine: engineFor(address),
    container: settings(overrides),
    workspaceRoot: () => root.path,
    serviceId: SERVICE,
    instanceId: "i1",
    killGraceMs: 500,
  });
}

const env = { SYMPHONY_ISSUE_IDENTIFIER: "SYM-1" };

describeDocker("Docker host (real dockerd)", { timeout: 60_000 }, () => {
  beforeAll(async () => {
    daemon = await startDockerd();
    await buildTestImage(daemon);
    root = await makeTempDir("symphony-docker-ws-");
  }, 60_000);
  afterAll(async () => {
    await root?.cleanup();
    await daemon?.close();
  });

  it("creates the workspace for the agent uid; a hook runs confined (uid, read-only root, no capabilities); its files outlive the container", async () => {
    const h = host();
    const ws = join(root.path, "SYM-1");
    const made = await h.ensureDir(ws);
    expect(made).toEqual({ created: true, realPath: ws });
    expect((await stat(ws)).uid).toBe(1000);
    expect((await h.ensureDir(ws)).created).toBe(false);

    const result = await h.runScript(
      [
        "id -u > who",
        "grep CapEff /proc/self/status | tr -d '\\t' > caps",
        "touch /not-allowed 2>/dev/null && echo wrote-root > root || echo ro > root",
        'echo "$SYMPHONY_ISSUE_IDENTIFIER $HOME" > envs',
        "ls .. > siblings",
      ].join("\n"),
      { cwd: ws, env, timeoutMs: 20_000 },
    );
    expect(result.exitCode).toBe(0);
    expect((await readFile(join(ws, "who"), "utf8")).trim()).toBe("1000");
    expect((await readFile(join(ws, "caps"), "utf8")).trim()).toBe("CapEff:0000000000000000");
    expect((await readFile(join(ws, "root"), "utf8")).trim()).toBe("ro");
    expect((await readFile(join(ws, "envs"), "utf8")).trim()).toBe("SYM-1 /tmp");
    // only its own workspace is mounted: the parent inside is an empty mount point directory
    expect((await readFile(join(ws, "siblings"), "utf8")).trim()).toBe("SYM-1");
    expect(await containersLabelled(daemon, `${LABELS.service}=${SERVICE}`)).toEqual([]);

    await h.remove(ws);
    await expect(stat(ws)).rejects.toThrow();
    await expect(h.remove("/etc")).rejects.toThrow(/not inside/);
  });

  it("--network none holds: nothing on the machine's loopback is reachable from a hook", async () => {
    const server: Server = createServer((socket) => socket.end("hello\n"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const script = `exec 3<>/dev/tcp/127.0.0.1/${port} && head -1 <&3`;
      const ws = join(root.path, "SYM-2");
      await host().ensureDir(ws);
      const none = await host().runScript(script, { cwd: ws, env, timeoutMs: 20_000 });
      expect(none.exitCode).not.toBe(0);
      expect(none.output).not.toContain("hello");
      // the same script with the host's network does connect (so the failure above is the network mode)
      const shared = await host({ network: "host" }).runScript(script, { cwd: ws, env, timeoutMs: 20_000 });
      expect(shared.output).toContain("hello");
    } finally {
      server.close();
    }
  });

  it("spawn attaches stdin/stdout/stderr; kill stops and removes the container", async () => {
    const ws = join(root.path, "SYM-3");
    await host().ensureDir(ws);
    const h = host();
    const proc = h.spawn('while read -r line; do echo "got $line"; echo "err $line" >&2; done', {
      cwd: ws,
      env,
    });
    const out: string[] = [];
    const errs: string[] = [];
    proc.stdout.on("data", (c: Buffer) => out.push(c.toString()));
    proc.stderr.on("data", (c: Buffer) => errs.push(c.toString()));
    proc.stdin.write("one\n");
    await waitFor(() => out.join("").includes("got one"));
    proc.stdin.write("two\n");
    await waitFor(() => out.join("").includes("got two") && errs.join("").includes("err two"));
    expect(await containersLabelled(daemon, `${LABELS.issue}=SYM-1`)).toHaveLength(1);
    await proc.kill(500);
    expect((await proc.exited).code).toBeNull();
    expect(await containersLabelled(daemon, `${LABELS.service}=${SERVICE}`)).toEqual([]);
  });

  it("memory and process limits reach the kernel (cgroup v1 or v2 files inside the container)", async () => {
    const ws = join(root.path, "SYM-6");
    await host().ensureDir(ws);
    const script = [
      "cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes",
      "cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max",
    ].join("\n");
    const result = await host().runScript(script, { cwd: ws, env, timeoutMs: 20_000 });
    expect(result.output.trim().split("\n")).toEqual([String(256 * 1024 * 1024), "64"]);
  });

  it("a timed-out hook is stopped and removed", async () => {
    const ws = join(root.path, "SYM-4");
    await host().ensureDir(ws);
    const started = Date.now();
    const result = await host().runScript("sleep 30", { cwd: ws, env, timeoutMs: 500 });
    expect(result.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await containersLabelled(daemon, `${LABELS.service}=${SERVICE}`)).toEqual([]);
  });

  it("an engine that is not there is unreachable (typed), before anything runs", async () => {
    const dead = host({}, `unix://${join(daemon.dir, "missing.sock")}`);
    const failure = await dead.ensureDir(join(root.path, "SYM-5")).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DockerEngineError);
    expect((failure as DockerEngineError).kind).toBe("unreachable");
    const result = await dead.runScript("true", { cwd: root.path, env, timeoutMs: 1_000 });
    expect(result.unreachable).toBe(true);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
