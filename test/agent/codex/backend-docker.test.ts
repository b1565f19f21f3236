import { chown, copyFile, mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { LABELS } from "../../../src/hosts/docker/container-spec.js";
import { createDockerHost } from "../../../src/hosts/docker/docker-host.js";
import { parseEngineAddress } from "../../../src/hosts/docker/engine-address.js";
import { EngineClient } from "../../../src/hosts/docker/engine-client.js";
import { openSession } from "../../support/codex-harness.js";
import { CODEX_BINARY, createTestCodexHome, OFFLINE_FLAGS } from "../../support/codex-home.js";
import {
  buildTestImage,
  containersLabelled,
  DOCKER_TOOLS,
  startDockerd,
  TEST_IMAGE,
  type TestDockerd,
} from "../../support/dockerd.js";
import { startFakeModelServer } from "../../support/fake-model-server.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { describeNeeding } from "../../support/tools.js";

const { describe: describeDocker } = describeNeeding(DOCKER_TOOLS);

// The real codex app-server inside a container on a real dockerd, talking JSON-RPC over the hijacked
// attach stream, driven by the fake model on this machine's loopback (the container shares the host network).

let daemon: TestDockerd;
let root: { path: string; cleanup: () => Promise<void> };
const turnInput = {
  issue: { id: "issue-1" } as never,
  turn: 1,
  maxTurns: 1,
  signal: new AbortController().signal,
};

describeDocker("codex backend in a Docker container (real dockerd, real codex)", { timeout: 90_000 }, () => {
  beforeAll(async () => {
    daemon = await startDockerd();
    await buildTestImage(daemon);
    root = await makeTempDir("symphony-docker-codex-");
  }, 60_000);
  afterAll(async () => {
    await root?.cleanup();
    await daemon?.close();
  });

  it("a turn runs a command the model asked for inside the container and completes; the container is gone after stop", async () => {
    let done = false;
    const model = await startFakeModelServer((req) => {
      if (done) return { kind: "hang" };
      if (!req.afterToolCall) {
        return { kind: "function_call", name: "exec_command", args: { cmd: "id -u > RESULT.txt" } };
      }
      done = true;
      return { kind: "text", text: "RESULT.txt written." };
    });
    const home = createTestCodexHome(model.baseUrl);
    try {
      const parsed = parseEngineAddress(daemon.address);
      if (!parsed.ok) throw new Error(parsed.error.reason);
      const host = createDockerHost({
        engineName: "e1",
        engine: new EngineClient("e1", parsed.value),
        container: {
          image: TEST_IMAGE,
          network: "host",
          cpus: null,
          memoryMb: 1024,
          pidsLimit: 256,
          user: "1000:1000",
          readOnlyRoot: true,
          readOnlyMounts: [{ source: CODEX_BINARY, target: "/usr/local/bin/codex" }],
          tmpSizeMb: 64,
        },
        workspaceRoot: () => root.path,
        serviceId: "codex-docker-test",
        instanceId: "i1",
        killGraceMs: 500,
      });
      const ws = join(root.path, "SYM-1");
      await host.ensureDir(ws);
      // CODEX_HOME lives in the workspace: the container's root filesystem is read-only
      const codexHome = join(ws, ".codex-home");
      await mkdir(codexHome);
      await copyFile(join(home.path, "config.toml"), join(codexHome, "config.toml"));
      await chown(codexHome, 1000, 1000);
      await chown(join(codexHome, "config.toml"), 1000, 1000);

      const opened = await openSession({
        // codex's own bubblewrap sandbox cannot start without capabilities: the container is the sandbox
        codex: {
          command: `codex ${OFFLINE_FLAGS} app-server`,
          threadSandbox: "danger-full-access",
          turnSandboxPolicy: { type: "dangerFullAccess" },
        },
        workspace: ws,
        env: { CODEX_HOME: codexHome, SYMPHONY_ISSUE_IDENTIFIER: "SYM-1" },
        host,
      });
      if (!opened.result.ok) throw new Error(JSON.stringify(opened.result.error));
      const session = opened.result.value;
      try {
        const turn = await session.runTurn("write RESULT.txt", turnInput);
        expect(turn).toEqual({ ok: true, value: undefined });
        expect(await containersLabelled(daemon, `${LABELS.role}=agent`)).toHaveLength(1);
      } finally {
        await session.stop();
      }
      // the command ran in the container as the agent uid, and its output outlived the container
      expect((await readFile(join(ws, "RESULT.txt"), "utf8")).trim()).toBe("1000");
      expect(opened.events.map((e) => e.type)).toContain("turn_completed");
      expect(model.requests.length).toBeGreaterThanOrEqual(2);
      expect(await containersLabelled(daemon, `${LABELS.service}=codex-docker-test`)).toEqual([]);
    } finally {
      home.cleanup();
      await model.close();
    }
  });
});
