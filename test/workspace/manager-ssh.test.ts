import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import type { ServiceConfig } from "../../src/config/types.js";
import { silentLogger } from "../../src/domain/logger.js";
import type { Host } from "../../src/hosts/host.js";
import { createSshHost } from "../../src/hosts/ssh.js";
import { systemClock } from "../../src/util/clock.js";
import { createWorkspaceManager, type WorkspaceManager } from "../../src/workspace/manager.js";
import { testConfig } from "../support/orchestrator/fixtures.js";
import { processesMentioning } from "../support/processes.js";
import { freePort, startSshd, type TestSshd } from "../support/sshd.js";
import { makeTempDir } from "../support/temp-dir.js";
import { describeNeeding, SSHD } from "../support/tools.js";
import { until } from "../support/until.js";

const needs = describeNeeding([SSHD]);

let sshd: TestSshd;
let dir: { path: string; cleanup: () => Promise<void> };

beforeAll(async () => {
  if (needs.missing !== null) return;
  sshd = await startSshd();
});
afterAll(async () => {
  if (needs.missing === null) await sshd.close();
});
beforeEach(async () => {
  dir = await makeTempDir("symphony-ws-ssh-");
});
afterEach(async () => {
  await until(async () => (await processesMentioning(dir.path)).length === 0, 5_000, "ssh processes gone");
  await dir.cleanup();
});

/** A manager whose every call runs on `host`; `root` is the local path, `rootRaw` the remote one. */
function manager(host: Host, hooks: Partial<ServiceConfig["hooks"]>, rootRaw: string): WorkspaceManager {
  const config = testConfig(dir.path, {
    hooks: { timeoutMs: 20_000, ...hooks },
    workspace: { root: join(dir.path, "local-root"), rootRaw },
  });
  return createWorkspaceManager({
    hosts: () => host,
    logger: silentLogger,
    clock: systemClock,
    config: () => config,
    hookEnv: (issue, path) => ({ SYMPHONY_ISSUE_IDENTIFIER: issue.identifier, SYMPHONY_WORKSPACE: path }),
  });
}

const call = (identifier: string, host: string) => ({
  issue: { id: `id-${identifier}`, identifier },
  signal: new AbortController().signal,
  host,
});

needs.describe("workspaces on an SSH host (real sshd)", { timeout: 60_000 }, () => {
  it("A.1: the raw workspace.root is used on the SSH host, and after_create runs there", async () => {
    const host = createSshHost(`127.0.0.1:${sshd.port}`, { sshConfigPath: sshd.configPath });
    const remoteRoot = join(dir.path, "remote-root");
    const ws = manager(
      host,
      { afterCreate: 'echo "$HOME $SYMPHONY_ISSUE_IDENTIFIER" > made.txt' },
      remoteRoot,
    );
    const prepared = await ws.prepare(call("R/1", host.name));
    expect(prepared.ok).toBe(true);
    if (!prepared.ok) return;
    expect(prepared.value.path).toBe(join(remoteRoot, prepared.value.key));
    expect(prepared.value.createdNow).toBe(true);
    expect(await readFile(join(prepared.value.path, "made.txt"), "utf8")).toBe(`${sshd.home} R/1\n`);
    expect(existsSync(join(dir.path, "local-root"))).toBe(false);
    const again = await ws.prepare(call("R/1", host.name));
    expect(again.ok && again.value.createdNow).toBe(false);
  });

  it("A.2: an SSH host that cannot be reached gives a typed host_unreachable error", async () => {
    const port = await freePort();
    const host = createSshHost(`127.0.0.1:${port}`, {
      sshConfigPath: sshd.configPath,
      connectTimeoutMs: 2_000,
    });
    const ws = manager(host, {}, join(dir.path, "remote-root"));
    const prepared = await ws.prepare(call("U-1", host.name));
    expect(prepared.ok).toBe(false);
    if (!prepared.ok) expect(prepared.error).toMatchObject({ kind: "host_unreachable", host: host.name });
    expect(await ws.listWorkspaces(host.name, new AbortController().signal)).toBeNull();
  });

  it("A: remote removal runs before_remove only when the workspace exists, then removes it", async () => {
    const host = createSshHost(`127.0.0.1:${sshd.port}`, { sshConfigPath: sshd.configPath });
    const remoteRoot = join(dir.path, "remote-root");
    const log = join(dir.path, "removed.txt");
    const ws = manager(host, { beforeRemove: `echo "$PWD" >> ${log}` }, remoteRoot);
    await ws.remove(call("GONE-1", host.name));
    expect(existsSync(log)).toBe(false);
    expect(await ws.listWorkspaces(host.name, new AbortController().signal)).toEqual(new Set());
    await mkdir(join(remoteRoot, "HERE-1"), { recursive: true });
    await mkdir(join(remoteRoot, ".hidden"), { recursive: true });
    expect(await ws.listWorkspaces(host.name, new AbortController().signal)).toEqual(
      new Set(["HERE-1", ".hidden"]),
    );
    await ws.remove(call("HERE-1", host.name));
    expect(await readFile(log, "utf8")).toBe(`${join(remoteRoot, "HERE-1")}\n`);
    expect(existsSync(join(remoteRoot, "HERE-1"))).toBe(false);
  });
});
