import { existsSync } from "node:fs";
import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ServiceConfig } from "../../src/config/types.js";
import { silentLogger } from "../../src/domain/logger.js";
import { buildChildEnv } from "../../src/hosts/child-env.js";
import { createLocalHost } from "../../src/hosts/local.js";
import { systemClock } from "../../src/util/clock.js";
import type { HookReport } from "../../src/workspace/hooks.js";
import { createWorkspaceManager, type WorkspaceManager } from "../../src/workspace/manager.js";
import { testConfig } from "../support/orchestrator/fixtures.js";
import { makeTempDir } from "../support/temp-dir.js";
import { pidAlive, until } from "../support/until.js";

let dir: { path: string; cleanup: () => Promise<void> };
let config: ServiceConfig;

beforeEach(async () => {
  dir = await makeTempDir("symphony-ws-");
  await mkdir(join(dir.path, "home"));
});
afterEach(async () => {
  await dir.cleanup();
});

function manager(hooks: Partial<ServiceConfig["hooks"]> = {}, root?: string): WorkspaceManager {
  config = testConfig(dir.path, {
    hooks: { timeoutMs: 5_000, ...hooks },
    workspace: { root: root ?? join(dir.path, "ws") },
  });
  process.env.SYMPHONY_TEST_SECRET = "s3cret";
  const localHost = createLocalHost({ killGraceMs: 200 });
  return createWorkspaceManager({
    hosts: () => localHost,
    logger: silentLogger,
    clock: systemClock,
    config: () => config,
    hookEnv: (issue, path) =>
      buildChildEnv({
        parent: { ...process.env, HOME: join(dir.path, "home") },
        extra: {
          SYMPHONY_ISSUE_ID: issue.id,
          SYMPHONY_ISSUE_IDENTIFIER: issue.identifier,
          SYMPHONY_WORKSPACE: path,
          SYMPHONY_TEST_SECRET: "s3cret",
        },
        removeNames: ["SYMPHONY_TEST_SECRET"],
      }),
  });
}

const call = (identifier: string) => ({
  issue: { id: `id-${identifier}`, identifier },
  signal: new AbortController().signal,
});

describe("17.2 workspace manager", () => {
  it("17.2: deterministic path per identifier; a missing directory is created, an existing one reused", async () => {
    const ws = manager();
    expect(ws.pathFor("ABC-1")).toBe(join(dir.path, "ws", "ABC-1"));
    const first = await ws.prepare(call("ABC-1"));
    expect(first).toMatchObject({ ok: true, value: { createdNow: true, key: "ABC-1" } });
    const second = await ws.prepare(call("ABC-1"));
    expect(second).toMatchObject({ ok: true, value: { createdNow: false } });
    expect(first.ok && second.ok && first.value.path === second.value.path).toBe(true);
  });

  it("17.2: after_create runs only on new workspace creation, with SYMPHONY_* env and no tracker secret", async () => {
    const ws = manager({
      afterCreate: `echo "$SYMPHONY_ISSUE_IDENTIFIER $SYMPHONY_ISSUE_ID \${SYMPHONY_TEST_SECRET:-none}" >> created.txt`,
    });
    const first = await ws.prepare(call("H-1"));
    await ws.prepare(call("H-1"));
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(await readFile(join(first.value.path, "created.txt"), "utf8")).toBe("H-1 id-H-1 none\n");
  });

  it("17.2: an after_create failure fails the attempt and removes the new directory", async () => {
    const ws = manager({ afterCreate: "echo broken; exit 3" });
    const result = await ws.prepare(call("H-2"));
    expect(result).toEqual({
      ok: false,
      error: { kind: "hook_failed", hook: "after_create", exitCode: 3, output: "broken\n" },
    });
    expect(existsSync(join(dir.path, "ws", "H-2"))).toBe(false);
  });

  it("17.2: an existing non-directory at the workspace location fails safely", async () => {
    await mkdir(join(dir.path, "ws"));
    await writeFile(join(dir.path, "ws", "F-1"), "not a dir");
    const result = await manager().prepare(call("F-1"));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.kind).toBe("workspace_create_failed");
    expect(await readFile(join(dir.path, "ws", "F-1"), "utf8")).toBe("not a dir");
  });

  it("17.2: a symlink escaping the root is refused with a typed error", async () => {
    await mkdir(join(dir.path, "ws"));
    await mkdir(join(dir.path, "outside"));
    await symlink(join(dir.path, "outside"), join(dir.path, "ws", "ESC-1"));
    const result = await manager().prepare(call("ESC-1"));
    expect(result).toEqual({
      ok: false,
      error: { kind: "workspace_escape", path: join(dir.path, "outside"), root: join(dir.path, "ws") },
    });
  });

  it("a workspace root that is a file is refused as workspace_root_invalid", async () => {
    await writeFile(join(dir.path, "rootfile"), "x");
    const result = await manager({}, join(dir.path, "rootfile")).prepare(call("R-1"));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.kind).toBe("workspace_root_invalid");
  });

  it.each(["..", "../../etc", "a/../../b", "x\u0000y", "with spaces", "y".repeat(300)])(
    "17.2: hostile identifier %j stays inside the root",
    async (identifier) => {
      const ws = manager();
      const result = await ws.prepare(call(identifier));
      expect(result.ok).toBe(true);
      if (result.ok) expect(result.value.path.startsWith(`${join(dir.path, "ws")}/`)).toBe(true);
    },
  );

  it("17.2: before_run failure and timeout are returned as errors", async () => {
    const ws = manager({ beforeRun: "exit 7", timeoutMs: 300 });
    const prepared = await ws.prepare(call("B-1"));
    if (!prepared.ok) throw new Error("prepare failed");
    const failed = await ws.runHook("before_run", prepared.value.path, call("B-1"));
    expect(failed).toMatchObject({
      ok: false,
      error: { kind: "hook_failed", hook: "before_run", exitCode: 7 },
    });
    config = { ...config, hooks: { ...config.hooks, beforeRun: "sleep 30" } };
    const timed = await ws.runHook("before_run", prepared.value.path, call("B-1"));
    expect(timed).toMatchObject({
      ok: false,
      error: { kind: "hook_timeout", hook: "before_run", timeoutMs: 300 },
    });
  });

  it("hook observers get outcome, exit code, duration and the captured output", async () => {
    const ws = manager({ beforeRun: "echo hello; exit 5" });
    const prepared = await ws.prepare(call("OBS-1"));
    if (!prepared.ok) throw new Error("prepare failed");
    const reports: HookReport[] = [];
    await ws.runHook("before_run", prepared.value.path, { ...call("OBS-1"), onHook: (r) => reports.push(r) });
    expect(reports).toEqual([
      expect.objectContaining({
        hook: "before_run",
        ok: false,
        exitCode: 5,
        timedOut: false,
        output: "hello\n",
      }),
    ]);
  });

  it("a hanging hook's whole process group is killed on timeout (no grandchild survives)", async () => {
    const ws = manager({ beforeRun: "sleep 60 & echo $! > bg.pid; wait", timeoutMs: 300 });
    const prepared = await ws.prepare(call("G-1"));
    if (!prepared.ok) throw new Error("prepare failed");
    const result = await ws.runHook("before_run", prepared.value.path, call("G-1"));
    expect(result.ok).toBe(false);
    const pid = Number((await readFile(join(prepared.value.path, "bg.pid"), "utf8")).trim());
    await until(() => !pidAlive(pid), 5_000, "background sleep to die");
  });

  it("a hook that floods output is capped and still completes", async () => {
    const ws = manager({ beforeRun: "head -c 5000000 /dev/zero | tr '\\0' x; exit 1" });
    const prepared = await ws.prepare(call("O-1"));
    if (!prepared.ok) throw new Error("prepare failed");
    const result = await ws.runHook("before_run", prepared.value.path, call("O-1"));
    expect(result.ok).toBe(false);
    if (!result.ok && result.error.kind === "hook_failed")
      expect(result.error.output.length).toBeLessThan(5000);
  });

  it("17.2: before_remove runs on cleanup, its failure is ignored and the directory is removed", async () => {
    const marker = join(dir.path, "removed.txt");
    const ws = manager({ beforeRemove: `echo "$PWD" > ${marker}; exit 9` });
    const prepared = await ws.prepare(call("D-1"));
    if (!prepared.ok) throw new Error("prepare failed");
    await ws.remove(call("D-1"));
    expect(existsSync(prepared.value.path)).toBe(false);
    expect((await readFile(marker, "utf8")).trim()).toBe(prepared.value.path);
    await ws.remove(call("never-existed")); // missing is fine
  });
});
