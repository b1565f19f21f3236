/**
 * bench/docker-startup: on a throw-away dockerd, the time from asking the Docker host for a container to a
 * ready codex thread (`initialize` … `thread/start` answered by codex app-server inside the container),
 * next to a bare `docker run --rm --network none <image> true` (CLI) and the host's own `runScript("true")`
 * (Engine API: create, attach, start, wait, remove), all in the same run, interleaved, median of 10.
 * Last line: `docker-startup: <median ms to a ready agent>`.
 */
import { execFile } from "node:child_process";
import { chown, copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createCodexBackend } from "../src/agent/codex/index.js";
import type { ServiceConfig } from "../src/config/types.js";
import { silentLogger } from "../src/domain/logger.js";
import { createDockerHost } from "../src/hosts/docker/docker-host.js";
import { parseEngineAddress } from "../src/hosts/docker/engine-address.js";
import { EngineClient } from "../src/hosts/docker/engine-client.js";
import { CODEX_BINARY, createTestCodexHome, OFFLINE_FLAGS } from "../test/support/codex-home.js";
import { buildTestImage, DOCKER_TOOLS, startDockerd, TEST_IMAGE } from "../test/support/dockerd.js";
import { startFakeModelServer } from "../test/support/fake-model-server.js";
import { toolMissing } from "../test/support/tools.js";

const run = promisify(execFile);
const RUNS = 10;
const missing = DOCKER_TOOLS.map((t) => toolMissing(t)).find((r) => r !== null) ?? null;
if (missing !== null) throw new Error(`docker-startup needs dockerd: ${missing}`);

const daemon = await startDockerd();
const root = await mkdtemp(join(tmpdir(), "symphony-bench-docker-"));
const model = await startFakeModelServer(() => ({ kind: "text", text: "unused" }));
const home = createTestCodexHome(model.baseUrl);
try {
  await buildTestImage(daemon);
  const parsed = parseEngineAddress(daemon.address);
  if (!parsed.ok) throw new Error(parsed.error.reason);
  const host = createDockerHost({
    engineName: "bench",
    engine: new EngineClient("bench", parsed.value),
    container: {
      image: TEST_IMAGE,
      network: "none",
      cpus: null,
      memoryMb: null,
      pidsLimit: 1024,
      user: "1000:1000",
      readOnlyRoot: true,
      readOnlyMounts: [{ source: CODEX_BINARY, target: "/usr/local/bin/codex" }],
      tmpSizeMb: 64,
    },
    workspaceRoot: () => root,
    serviceId: "bench",
    instanceId: "bench",
  });
  const ws = join(root, "ws");
  await host.ensureDir(ws);
  const codexHome = join(ws, ".codex-home");
  await mkdir(codexHome);
  await copyFile(join(home.path, "config.toml"), join(codexHome, "config.toml"));
  await chown(codexHome, 1000, 1000);
  const backend = createCodexBackend(
    {
      codex: {
        command: `codex ${OFFLINE_FLAGS} app-server`,
        approvalPolicy: "never",
        threadSandbox: "danger-full-access",
        turnSandboxPolicy: { type: "dangerFullAccess" },
        turnTimeoutMs: 60_000,
        readTimeoutMs: 20_000,
        stallTimeoutMs: 0,
        home: "inherit",
      },
    } as unknown as ServiceConfig,
    { logger: silentLogger },
  );

  const bare = async () => {
    await run("docker", ["-H", daemon.address, "run", "--rm", "--network", "none", TEST_IMAGE, "true"]);
  };
  const hostTrue = async () => {
    const result = await host.runScript("true", { cwd: ws, env: {}, timeoutMs: 60_000 });
    if (result.exitCode !== 0) throw new Error(`true failed: ${result.output}`);
  };
  const agentReady = async () => {
    const started = await backend.startSession({
      host,
      workspacePath: ws,
      issue: { id: "i", identifier: "SYM-1", title: "bench" } as never,
      tools: { specs: [], execute: async () => ({ success: false, output: null }) },
      env: { CODEX_HOME: codexHome },
      onEvent: () => {},
      signal: new AbortController().signal,
      logger: silentLogger,
    });
    if (!started.ok) throw new Error(started.error.message);
    return started.value;
  };

  const series = { bare: [] as number[], host: [] as number[], agent: [] as number[] };
  const timed = async (samples: number[], fn: () => Promise<unknown>) => {
    const t0 = performance.now();
    const value = await fn();
    samples.push(performance.now() - t0);
    return value;
  };
  await bare(); // warm the page cache and the image
  await (await agentReady()).stop();
  for (let i = 0; i < RUNS; i++) {
    await timed(series.bare, bare);
    await timed(series.host, hostTrue);
    const session = (await timed(series.agent, agentReady)) as { stop(): Promise<void> };
    await session.stop();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const fmt = (xs: number[]) => `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)})`;
  console.log(`runs: ${RUNS} each, interleaved; dockerd ${daemon.address}`);
  console.log(`bare docker run --rm --network none true (CLI): ${fmt(series.bare)}`);
  console.log(`Docker host runScript("true") (Engine API):      ${fmt(series.host)}`);
  console.log(`container start → codex thread ready:           ${fmt(series.agent)}`);
  console.log(`docker-startup: ${median(series.agent).toFixed(0)} ms`);
} finally {
  home.cleanup();
  await model.close();
  await rm(root, { recursive: true, force: true });
  await daemon.close();
}
