import { mkdir, readFile, realpath } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MAX_COMMAND_OUTPUT_BYTES, runCommandTool } from "../../../../src/agent/builtin/tools/run-command.js";
import { createLocalHost } from "../../../../src/hosts/local.js";
import { makeTempDir } from "../../../support/temp-dir.js";
import { pidAlive, until } from "../../../support/until.js";

let temp: { path: string; cleanup: () => Promise<void> };
let workspace: string;
let env: Record<string, string>;

beforeEach(async () => {
  temp = await makeTempDir();
  workspace = join(await realpath(temp.path), "ws");
  await mkdir(workspace);
  await mkdir(join(temp.path, "home"));
  env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: join(temp.path, "home") };
});
afterEach(() => temp.cleanup());

function context(overrides: Partial<Parameters<typeof runCommandTool>[0]> = {}) {
  return {
    host: createLocalHost({ killGraceMs: 200 }),
    workspacePath: workspace,
    env,
    timeoutMs: 10_000,
    policy: { allowed: [], denied: [] },
    signal: new AbortController().signal,
    ...overrides,
  };
}

describe("run_command", () => {
  it("runs bash in the workspace with exactly the session env (no parent secrets)", async () => {
    process.env.SYMPHONY_TEST_SECRET = "leak-me";
    try {
      const out = await runCommandTool(context(), { command: 'pwd; echo "s=$SYMPHONY_TEST_SECRET"' });
      expect(out.ok).toBe(true);
      expect(out.output).toBe(`exit code 0\n${workspace}\ns=\n`);
      expect(out.summary).toBe('run_command "pwd; echo \\"s=$SYMPHONY_TEST_SECRET\\"" → exit 0');
    } finally {
      delete process.env.SYMPHONY_TEST_SECRET;
    }
  });

  it("a non-zero exit is a failed call whose output still reaches the model", async () => {
    const out = await runCommandTool(context(), { command: "echo oops >&2; exit 4" });
    expect(out).toMatchObject({ ok: false, output: "exit code 4\noops\n" });
  });

  it("kills the whole process group at the timeout (the model may only lower it)", async () => {
    const out = await runCommandTool(context({ timeoutMs: 300 }), {
      command: "sleep 30 & echo $! > bg.pid; wait",
      timeout_ms: 60_000,
    });
    expect(out.output).toMatch(/^timed out after 300 ms/);
    const pid = Number((await readFile(join(workspace, "bg.pid"), "utf8")).trim());
    await until(() => !pidAlive(pid), 3_000, "background sleep to die");
  });

  it("caps output and says so", async () => {
    const out = await runCommandTool(context(), { command: "head -c 200000 /dev/zero | tr '\\0' a" });
    expect(out.output.length).toBeLessThan(MAX_COMMAND_OUTPUT_BYTES + 200);
    expect(out.output).toMatch(/\[output truncated at 65536 bytes\]$/);
  });

  it("refuses a denied command without running it", async () => {
    const out = await runCommandTool(context({ policy: { allowed: [], denied: ["touch *"] } }), {
      command: "touch marker",
    });
    expect(out.ok).toBe(false);
    expect(out.output).toMatch(/denied pattern "touch \*"/);
    await expect(readFile(join(workspace, "marker"))).rejects.toThrow();
  });

  it("aborting the signal kills the command", async () => {
    const controller = new AbortController();
    const run = runCommandTool(context({ signal: controller.signal }), { command: "sleep 30" });
    setTimeout(() => controller.abort(), 100);
    const out = await run;
    expect(out).toMatchObject({ ok: false });
    expect(out.output).toMatch(/^cancelled/);
  });
});

describe("run_command guard-rail against bypasses (real bash)", () => {
  const exists = (path: string) =>
    readFile(path).then(
      () => true,
      () => false,
    );

  it.each([
    ["ls <(touch ../pwned)", { allowed: ["ls *"], denied: [] }],
    ["ls -a > ../pwned", { allowed: ["ls *"], denied: [] }],
    ["(touch ../pwned)", { allowed: [], denied: ["touch *"] }],
    ["env /usr/bin/touch ../pwned", { allowed: [], denied: ["touch *"] }],
    ["git -c alias.x='!touch ../pwned' x", { allowed: ["git *"], denied: [] }],
  ])("%s is refused before bash runs it", async (command, policy) => {
    const out = await runCommandTool(context({ policy }), { command });
    expect(out.ok).toBe(false);
    expect(out.output).toMatch(/command refused/);
    expect(await exists(join(workspace, "..", "pwned"))).toBe(false);
  });
});
