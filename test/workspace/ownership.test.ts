import { existsSync } from "node:fs";
import { chmod, chown, mkdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ServiceConfig } from "../../src/config/types.js";
import { silentLogger } from "../../src/domain/logger.js";
import { createLocalHost } from "../../src/hosts/local.js";
import { systemClock } from "../../src/util/clock.js";
import { createWorkspaceManager, type WorkspaceManager } from "../../src/workspace/manager.js";
import { checkTrustedDir } from "../../src/workspace/ownership.js";
import { sigtermWithin, TestCli } from "../support/cli-process.js";
import { testConfig } from "../support/orchestrator/fixtures.js";
import { makeTempDir } from "../support/temp-dir.js";
import { until } from "../support/until.js";

// "another local user": as root we can hand a directory to nobody (65534). Not root → those tests skip
// (run the suite as root to include them); under CI=true they run anyway, so a non-root CI fails loudly.
const isRoot = process.getuid?.() === 0 || process.env.CI === "true";
const OTHER_UID = 65534;

let dir: { path: string; cleanup: () => Promise<void> };
const cli = new TestCli();
beforeEach(async () => {
  dir = await makeTempDir("symphony-own-");
  await mkdir(join(dir.path, "home"));
});
afterEach(async () => {
  cli.kill();
  await dir.cleanup();
});

function manager(root: string, beforeRun: string | null = null): WorkspaceManager {
  const config: ServiceConfig = testConfig(dir.path, {
    hooks: { timeoutMs: 5_000, beforeRun },
    workspace: { root },
  });
  const host = createLocalHost({ killGraceMs: 200 });
  return createWorkspaceManager({
    hosts: () => host,
    logger: silentLogger,
    clock: systemClock,
    config: () => config,
    hookEnv: () => ({ PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: join(dir.path, "home") }),
  });
}
const call = (identifier: string) => ({
  issue: { id: identifier, identifier },
  signal: new AbortController().signal,
});

describe("workspace root ownership", () => {
  it("a missing root is created with mode 0700", async () => {
    const root = join(dir.path, "state", "symphony", "workspaces");
    const prepared = await manager(root).prepare(call("A-1"));
    expect(prepared.ok).toBe(true);
    expect((await stat(root)).mode & 0o777).toBe(0o700);
  });

  it("a world-writable root (like a shared temp directory) is refused before anything runs", async () => {
    const root = join(dir.path, "shared");
    await mkdir(root);
    await chmod(root, 0o777);
    const result = await manager(root).prepare(call("A-1"));
    expect(result).toEqual({
      ok: false,
      error: expect.objectContaining({
        kind: "workspace_untrusted",
        path: root,
        reason: "world_writable",
        mode: 0o777,
      }),
    });
    expect(existsSync(join(root, "A-1"))).toBe(false);
  });

  it("a group-writable workspace inside a good root is refused", async () => {
    const root = join(dir.path, "ws");
    await mkdir(join(root, "A-1"), { recursive: true, mode: 0o700 });
    await chmod(join(root, "A-1"), 0o770);
    const result = await manager(root).prepare(call("A-1"));
    expect(result.ok === false && result.error.kind === "workspace_untrusted" && result.error.reason).toBe(
      "group_writable",
    );
  });

  it.skipIf(!isRoot)("a root owned by another user is refused (foreign_owner)", async () => {
    const root = join(dir.path, "theirs");
    await mkdir(root, { mode: 0o755 });
    await chown(root, OTHER_UID, OTHER_UID);
    const checked = await checkTrustedDir(root);
    expect(checked).toEqual({
      ok: false,
      error: expect.objectContaining({ reason: "foreign_owner", owner: OTHER_UID }),
    });
  });
});

describe("planted workspace (end to end)", () => {
  it.skipIf(!isRoot)(
    "another user's pre-created <root>/<ID> with a script: before_run is never run, the run is refused with a clear error",
    async () => {
      const project = join(dir.path, "project");
      await mkdir(join(project, "issues"), { recursive: true });
      await writeFile(join(project, "issues/PLANT-1.md"), "---\ntitle: victim\nstate: Todo\n---\n");
      const marker = join(dir.path, "pwned");
      // the attacker's directory: owned by them, holding the script the workflow's before_run executes
      const planted = join(project, "ws", "PLANT-1");
      await mkdir(planted, { recursive: true });
      await writeFile(join(planted, "setup.sh"), `touch ${marker}\n`);
      await chown(planted, OTHER_UID, OTHER_UID);
      await writeFile(
        join(project, "WORKFLOW.md"),
        "---\ntracker:\n  kind: local\nworkspace:\n  root: ./ws\nhooks:\n  after_create: 'echo clean > setup.sh'\n  before_run: 'bash setup.sh'\npolling:\n  interval_ms: 600000\nagent:\n  backend: command\ncommand:\n  run: 'true'\n---\nwork\n",
      );
      const { proc } = cli.start(join(project, "WORKFLOW.md"), dir.path);
      await until(
        () => cli.output().includes('msg="workspace refused: untrusted directory"'),
        15_000,
        "refusal",
      );
      expect(cli.output()).toMatch(/reason=foreign_owner/);
      expect(cli.output()).toContain(`owner=${OTHER_UID}`);
      expect(existsSync(marker)).toBe(false);
      expect(await sigtermWithin(proc, 10_000)).toBe(0);
      expect(existsSync(marker)).toBe(false);
    },
    30_000,
  );
});
