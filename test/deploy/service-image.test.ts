import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, cp, mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DOCKER_TOOLS, dockerCli, startDockerd, type TestDockerd } from "../support/dockerd.js";
import { buildNodeBaseImage, TEST_NODE_BASE } from "../support/node-base-image.js";
import { type NpmCacheRegistry, startNpmCacheRegistry } from "../support/npm-cache-registry.js";
import { freePort } from "../support/sshd.js";
import { makeTempDir } from "../support/temp-dir.js";
import { describeNeeding } from "../support/tools.js";
import { until } from "../support/until.js";

const { describe: describeDocker } = describeNeeding(DOCKER_TOOLS);

// The repository's Dockerfile built by a real dockerd (production dependencies installed by `npm ci`
// inside the build from this machine's npm cache over loopback) and started: the HEALTHCHECK on
// /api/v1/state turns healthy, the process runs as uid 1000, and the API answers with the bearer token.

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, "../..");
const IMAGE = "symphony-service-test:local";
let daemon: TestDockerd;
let registry: NpmCacheRegistry;
let dir: { path: string; cleanup: () => Promise<void> };

describeDocker("the Symphony service image (real dockerd)", { timeout: 420_000 }, () => {
  beforeAll(async () => {
    daemon = await startDockerd();
    registry = await startNpmCacheRegistry(join(repo, "package-lock.json"));
    dir = await makeTempDir("symphony-service-image-");
  }, 60_000);
  afterAll(async () => {
    await registry?.close();
    await daemon?.close();
    await dir?.cleanup();
  });

  it("builds from a local base, starts as uid 1000, and its healthcheck on /api/v1/state turns healthy", async () => {
    await buildNodeBaseImage(daemon);
    // the build context: the repository's Dockerfile and package files, with a fresh dist/ when none was built
    const context = join(dir.path, "context");
    await mkdir(context);
    for (const file of ["Dockerfile", ".dockerignore", "package.json", "package-lock.json", "deploy"]) {
      await cp(join(repo, file), join(context, file), { recursive: true });
    }
    if (existsSync(join(repo, "dist/cli/main.js"))) {
      await cp(join(repo, "dist"), join(context, "dist"), { recursive: true });
    } else {
      await run(join(repo, "node_modules/.bin/tsc"), [
        "-p",
        join(repo, "tsconfig.build.json"),
        "--outDir",
        join(context, "dist"),
      ]);
    }
    await dockerCli(daemon, [
      "build",
      "-q",
      "--network",
      "host",
      "--build-arg",
      `BASE=${TEST_NODE_BASE}`,
      "--build-arg",
      `NPM_CONFIG_REGISTRY=${registry.url}`,
      "-t",
      IMAGE,
      context,
    ]);
    expect(registry.misses).toEqual([]);
    const config = JSON.parse(
      await dockerCli(daemon, ["image", "inspect", "--format", "{{json .Config}}", IMAGE]),
    ) as {
      User: string;
      Healthcheck: { Test: string[] };
    };
    expect(config.User).toBe("1000:1000");
    expect(config.Healthcheck.Test).toEqual(["CMD", "node", "/app/healthcheck.mjs"]);

    const workflowDir = join(dir.path, "config");
    await mkdir(join(workflowDir, "issues"), { recursive: true });
    await writeFile(join(workflowDir, "issues/IMG-1.md"), "---\ntitle: hello\nstate: Todo\n---\n");
    await writeFile(
      join(workflowDir, "WORKFLOW.md"),
      [
        "---",
        "tracker:",
        "  kind: local",
        "agent:",
        "  backend: command",
        "  max_concurrent_agents: 1",
        "command:",
        "  run: 'true'",
        "server:",
        "  host: 0.0.0.0",
        "  auth_token: $SYMPHONY_AUTH_TOKEN",
        "---",
        "Work on {{ issue.identifier }}",
        "",
      ].join("\n"),
    );
    await chmod(dir.path, 0o755);
    await run("chown", ["-R", "1000:1000", workflowDir]);
    const port = await freePort();
    const token = "health-check-token";
    const id = (
      await dockerCli(daemon, [
        "run",
        "-d",
        "--network",
        "host",
        "--health-interval",
        "1s",
        "--health-start-period",
        "1s",
        "-e",
        `SYMPHONY_PORT=${port}`,
        "-e",
        `SYMPHONY_AUTH_TOKEN=${token}`,
        "-v",
        `${workflowDir}:/config`,
        IMAGE,
        "/config/WORKFLOW.md",
        "--port",
        String(port),
        "--no-tui",
      ])
    ).trim();
    try {
      const health = async () =>
        (await dockerCli(daemon, ["inspect", "--format", "{{.State.Health.Status}}", id])).trim();
      await until(async () => (await health()) === "healthy", 60_000, "container healthy").catch(
        async (cause: unknown) => {
          // the service's own output says why it never became healthy
          const logs = await run("docker", ["-H", daemon.address, "logs", id]).then(
            (r) => `${r.stdout}${r.stderr}`,
            () => "(no logs)",
          );
          throw new Error(`${String(cause)}\n--- container logs ---\n${logs}`);
        },
      );
      const unauthorised = await fetch(`http://127.0.0.1:${port}/api/v1/state`);
      expect(unauthorised.status).toBe(401);
      const state = await fetch(`http://127.0.0.1:${port}/api/v1/state`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(state.status).toBe(200);
      const top = await dockerCli(daemon, ["top", id, "-o", "pid,uid,args"]);
      expect(top).toMatch(/\n\s*\d+\s+1000\s+node \/app\/dist\/cli\/main\.js/);
    } finally {
      await dockerCli(daemon, ["rm", "-f", id]).catch(() => "");
    }
  });
});
