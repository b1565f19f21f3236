import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Logger } from "../../src/domain/logger.js";
import { createLocalHost } from "../../src/hosts/local.js";
import { defaultRescueSettings, type RescueSettings } from "../../src/rescue/settings.js";
import { createRescueStep } from "../../src/rescue/step.js";
import { systemClock } from "../../src/util/clock.js";
import { createWorkspaceManager } from "../../src/workspace/manager.js";
import { testConfig } from "../support/orchestrator/fixtures.js";
import { tempDirPerTest } from "../support/temp-dir.js";

const tmp = tempDirPerTest("symphony-rescue-step-");
const issue = { id: "id-K-1", identifier: "K-1" };

function setup(settings: Partial<RescueSettings>) {
  const host = createLocalHost({ killGraceMs: 200 });
  const config = testConfig(tmp.path, {
    workspace: {
      root: join(tmp.path, "ws"),
      rescue: { ...defaultRescueSettings(join(tmp.path, "rescues")), ...settings },
    },
  });
  const announced: string[] = [];
  const lines: string[] = [];
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: (message) => lines.push(`warn ${message}`),
    error: (message) => lines.push(`error ${message}`),
    child: () => logger,
  };
  const rescue = createRescueStep({
    settings: () => config.workspace.rescue,
    logger,
    announce: (_issue, body) => announced.push(body),
    pushEnv: () => ({}),
  });
  const workspaces = createWorkspaceManager({
    hosts: () => host,
    logger,
    clock: systemClock,
    config: () => config,
    hookEnv: () => ({ PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: tmp.path }),
    rescue,
  });
  return { workspaces, announced, lines };
}

describe("every workspace removal goes through the rescue", () => {
  it("a workspace with files is archived, announced, then removed", async () => {
    const { workspaces, announced } = setup({});
    const prepared = await workspaces.prepare({ issue, signal: new AbortController().signal });
    if (!prepared.ok) throw new Error("prepare failed");
    await writeFile(join(prepared.value.path, "draft.md"), "draft\n");
    await workspaces.remove({ issue, signal: new AbortController().signal });
    expect(existsSync(prepared.value.path)).toBe(false);
    expect(announced).toHaveLength(1);
    expect(announced[0]).toMatch(/symphony rescue restore K-1-/);
  });

  it("a rescue that fails keeps the workspace and logs why", async () => {
    const { workspaces, announced, lines } = setup({ maxBytes: 10 });
    const prepared = await workspaces.prepare({ issue, signal: new AbortController().signal });
    if (!prepared.ok) throw new Error("prepare failed");
    await writeFile(join(prepared.value.path, "draft.md"), "x".repeat(10_000));
    await workspaces.remove({ issue, signal: new AbortController().signal });
    expect(existsSync(join(prepared.value.path, "draft.md"))).toBe(true);
    expect(announced).toEqual([]);
    expect(lines).toContain("error workspace kept: rescue failed");
  });

  it("with workspace.rescue.enabled false the workspace is removed as the spec says", async () => {
    const { workspaces, announced } = setup({ enabled: false });
    const prepared = await workspaces.prepare({ issue, signal: new AbortController().signal });
    if (!prepared.ok) throw new Error("prepare failed");
    await writeFile(join(prepared.value.path, "draft.md"), "draft\n");
    await workspaces.remove({ issue, signal: new AbortController().signal });
    expect(existsSync(prepared.value.path)).toBe(false);
    expect(announced).toEqual([]);
  });
});
