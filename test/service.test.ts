import { createHmac } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ServiceConfig } from "../src/config/types.js";
import { silentLogger } from "../src/domain/logger.js";
import { preflight, startOrchestratorService } from "../src/service.js";
import { systemClock } from "../src/util/clock.js";
import { startFakeLinearServer } from "./support/fake-linear-server.js";
import { testConfig } from "./support/orchestrator/fixtures.js";
import { makeTempDir } from "./support/temp-dir.js";
import { until } from "./support/until.js";
import { buildConfig, staticWorkflowSource } from "./support/workflow-fixtures.js";

let dir: { path: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  dir = await makeTempDir("symphony-service-");
  await mkdir(join(dir.path, "issues"));
  await mkdir(join(dir.path, "home"));
});
afterEach(async () => dir.cleanup());

describe("service composition", () => {
  it("hooks and agents get SYMPHONY_* variables and an allow-listed env without parent secrets", async () => {
    await writeFile(join(dir.path, "issues", "ENV-1.md"), "---\ntitle: env\nstate: Todo\n---\n");
    const config = buildConfig(
      {
        tracker: { kind: "local", provider: { path: "./issues" } },
        workspace: { root: "./ws" },
        hooks: { before_run: "env | sort > hook-env.txt" },
        agent: { backend: "command", max_turns: 1 },
        command: {
          run: 'env | sort > agent-env.txt; echo \'SYMPHONY_TOOL: {"name":"update_issue","arguments":{"state":"Done"}}\'',
          env_passthrough: ["ALLOWED_EXTRA"],
        },
      },
      dir.path,
    );
    const source = staticWorkflowSource(config, "Work on {{ issue.identifier }}");
    const started = await startOrchestratorService({
      source,
      logger: silentLogger,
      clock: systemClock,
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: join(dir.path, "home"),
        TRACKER_TOKEN: "s3cret",
        ALLOWED_EXTRA: "yes",
      },
    });
    if (!started.ok) throw new Error(started.error);
    try {
      const ws = join(dir.path, "ws", "ENV-1");
      await until(
        async () => (await readFile(join(ws, "agent-env.txt"), "utf8").catch(() => "")) !== "",
        10_000,
      );
      const agentEnv = await readFile(join(ws, "agent-env.txt"), "utf8");
      const hookEnv = await readFile(join(ws, "hook-env.txt"), "utf8");
      for (const text of [agentEnv, hookEnv]) {
        expect(text).toContain("SYMPHONY_ISSUE_ID=ENV-1\n");
        expect(text).toContain("SYMPHONY_ISSUE_IDENTIFIER=ENV-1\n");
        expect(text).toContain(`SYMPHONY_WORKSPACE=${ws}\n`);
        expect(text).not.toContain("TRACKER_TOKEN");
        expect(text).not.toContain("s3cret");
      }
      expect(agentEnv).toContain("ALLOWED_EXTRA=yes\n");
      expect(hookEnv).not.toContain("ALLOWED_EXTRA");
      await until(() => started.value.status.snapshot().totals.runsSucceeded === 1, 10_000);
    } finally {
      await started.value.stop();
    }
  });

  it("an unsupported tracker kind refuses to start with a clear message", async () => {
    const base = testConfig(dir.path);
    // a kind no registry knows (only reachable by hand-built configs)
    const config = {
      ...base,
      tracker: { ...base.tracker, kind: "carrier-pigeon" },
    } as unknown as ServiceConfig;
    const started = await startOrchestratorService({
      source: staticWorkflowSource(config),
      logger: silentLogger,
      clock: systemClock,
      env: {},
    });
    expect(started.ok).toBe(false);
    if (!started.ok)
      expect(started.error).toMatch(/^tracker\.kind "carrier-pigeon" is not supported; known: .*local/);
  });
  it("a reload that changes the tracker section rebuilds the tracker; runs keep going", async () => {
    await mkdir(join(dir.path, "other"));
    await writeFile(join(dir.path, "issues", "OLD-1.md"), "---\ntitle: old\nstate: Todo\n---\n");
    await writeFile(join(dir.path, "other", "NEW-1.md"), "---\ntitle: new\nstate: Todo\n---\n");
    const frontMatter = (path: string) => ({
      tracker: { kind: "local", provider: { path } },
      workspace: { root: "./ws" },
      polling: { interval_ms: 50 },
      agent: { backend: "command", max_turns: 1 },
      command: { run: "sleep 30" },
    });
    const source = staticWorkflowSource(buildConfig(frontMatter("./issues"), dir.path));
    const started = await startOrchestratorService({
      source,
      logger: silentLogger,
      clock: systemClock,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: join(dir.path, "home") },
    });
    if (!started.ok) throw new Error(started.error);
    const running = () =>
      started.value.status
        .snapshot()
        .running.map((r) => r.identifier)
        .sort();
    try {
      await until(() => running().includes("OLD-1"), 10_000, "OLD-1 running");
      source.update(buildConfig(frontMatter("./other"), dir.path));
      await until(() => running().includes("NEW-1"), 10_000, "NEW-1 running");
      // OLD-1 is no longer visible to the new tracker, so reconciliation stops it
      await until(() => !running().includes("OLD-1"), 10_000, "OLD-1 stopped");
    } finally {
      await started.value.stop();
    }
  });

  it("verifyWebhook follows reloads: the current tracker and tracker.webhook_secret decide", async () => {
    const linear = await startFakeLinearServer({ apiKey: "lin_service_key" });
    const frontMatter = (secret: string | null) => ({
      tracker: {
        kind: "linear",
        provider: { endpoint: linear.url, api_key: linear.apiKey, project_slug: "svc" },
        ...(secret === null ? {} : { webhook_secret: secret }),
      },
      workspace: { root: "./ws" },
      polling: { interval_ms: 600_000 },
      agent: { backend: "command" },
      command: { run: "true" },
    });
    const source = staticWorkflowSource(buildConfig(frontMatter("first-secret"), dir.path));
    const started = await startOrchestratorService({
      source,
      logger: silentLogger,
      clock: systemClock,
      env: {},
    });
    if (!started.ok) throw new Error(started.error);
    const body = Buffer.from(JSON.stringify({ type: "Issue", webhookTimestamp: Date.now() }));
    const signedWith = (secret: string) => ({
      headers: { "linear-signature": createHmac("sha256", secret).update(body).digest("hex") },
      body,
    });
    try {
      const verify = started.value.verifyWebhook;
      expect(verify(signedWith("first-secret")).kind).toBe("verified");
      source.update(buildConfig(frontMatter("second-secret"), dir.path));
      expect(verify(signedWith("first-secret"))).toEqual({ kind: "rejected", reason: "signature mismatch" });
      expect(verify(signedWith("second-secret")).kind).toBe("verified");
      source.update(buildConfig(frontMatter(null), dir.path));
      expect(verify(signedWith("second-secret"))).toEqual({ kind: "disabled" });
    } finally {
      await started.value.stop();
      await linear.close();
    }
  });

  it("A: dispatch preflight refuses the builtin backend with SSH workers (its tools run in-process)", () => {
    const workers = { sshHosts: ["w1"], maxConcurrentAgentsPerHost: null };
    const builtin = testConfig(dir.path, { agent: { backend: "builtin" }, worker: workers });
    expect(preflight(builtin)).toContain("worker.ssh_hosts: must be empty when agent.backend is builtin");
    const command = testConfig(dir.path, { command: { run: "true" }, worker: workers });
    expect(preflight(command)).toBeNull();
  });
});
