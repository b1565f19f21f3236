import { existsSync } from "node:fs";
import { mkdir, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../src/domain/logger.js";
import { createLocalHost } from "../../src/hosts/local.js";
import { WorkspaceJanitor } from "../../src/orchestrator/janitor.js";
import { listRescues } from "../../src/rescue/catalog.js";
import { type KeptWorkspace, workspacesToCollect } from "../../src/rescue/gc.js";
import { createRescueStep } from "../../src/rescue/step.js";
import { systemClock } from "../../src/util/clock.js";
import { createWorkspaceManager } from "../../src/workspace/manager.js";
import { testConfig } from "../support/orchestrator/fixtures.js";
import { tempDirPerTest } from "../support/temp-dir.js";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 4);
const w = (key: string, bytes: number, ageDays: number): KeptWorkspace => ({
  key,
  path: `/ws/${key}`,
  bytes,
  touchedAt: NOW - ageDays * DAY,
});

describe("workspace garbage collection", () => {
  it.each([
    ["past the age limit", { maxAgeMs: 10 * DAY, maxTotalBytes: "unlimited" as const }, ["OLD"]],
    [
      "oldest first until the total fits",
      { maxAgeMs: "unlimited" as const, maxTotalBytes: 250 },
      ["OLD", "MID"],
    ],
    ["both limits", { maxAgeMs: 10 * DAY, maxTotalBytes: 150 }, ["OLD", "MID", "NEW"]],
    ["nothing to do", { maxAgeMs: "unlimited" as const, maxTotalBytes: "unlimited" as const }, []],
  ])("chooses %s, never a live one", (_what, settings, expected) => {
    const kept = [w("NEW", 100, 1), w("OLD", 100, 30), w("LIVE", 100, 60), w("MID", 100, 5)];
    const chosen = workspacesToCollect(kept, new Set(["LIVE"]), settings, NOW);
    expect(chosen.map((c) => c.key)).toEqual(expected);
  });

  const tmp = tempDirPerTest("symphony-gc-");
  it("a collection pass on a real workspace root rescues then removes the old workspace and keeps the live one", async () => {
    const root = join(tmp.path, "ws");
    const rescueDir = join(tmp.path, "rescues");
    for (const key of ["OLD-1", "LIVE-1"]) {
      await mkdir(join(root, key), { recursive: true });
      await writeFile(join(root, key, "notes.md"), `${key}\n`);
    }
    const old = new Date(Date.now() - 30 * DAY);
    await utimes(join(root, "OLD-1", "notes.md"), old, old);
    await utimes(join(root, "OLD-1"), old, old);
    const config = testConfig(tmp.path, {
      workspace: {
        root,
        rescue: { enabled: true, dir: rescueDir, push: false, maxBytes: 1e9, retentionDays: 30 },
        gc: { maxAgeMs: 14 * DAY, maxTotalBytes: "unlimited" },
      },
    });
    const host = createLocalHost({ killGraceMs: 200 });
    const rescue = createRescueStep({
      settings: () => config.workspace.rescue,
      logger: silentLogger,
      announce: () => {},
      pushEnv: () => ({}),
    });
    const workspaces = createWorkspaceManager({
      hosts: () => host,
      logger: silentLogger,
      clock: systemClock,
      config: () => config,
      hookEnv: () => ({ PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: tmp.path }),
      rescue,
    });
    const janitor = new WorkspaceJanitor(workspaces, silentLogger, new AbortController().signal, () => []);
    expect(await janitor.collect(config, new Set(["LIVE-1"]), Date.now())).toBe(1);
    await janitor.settled();
    expect(existsSync(join(root, "OLD-1"))).toBe(false);
    expect(existsSync(join(root, "LIVE-1", "notes.md"))).toBe(true);
    const rescues = await listRescues(rescueDir);
    expect(rescues.map((r) => [r.issueIdentifier, r.kind])).toEqual([["OLD-1", "archive"]]);
  });
});
