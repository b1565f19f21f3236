import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import type { ServiceContext, ServiceStarter } from "../../src/cli/run-command.js";
import { err, ok } from "../../src/domain/result.js";
import { captureIo } from "../support/cli-io.js";
import { makeTempDir } from "../support/temp-dir.js";
import { until } from "../support/until.js";
import { writeWorkflow } from "../support/workflow-fixtures.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const tsxLoader = join(root, "node_modules/tsx/dist/loader.mjs");
const mainTs = join(root, "src/cli/main.ts");

let dir: string;
let cleanup: () => Promise<void>;
const children: ChildProcess[] = [];
beforeEach(async () => {
  ({ path: dir, cleanup } = await makeTempDir());
});
afterEach(async () => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await cleanup();
});

const good = "tracker:\n  kind: memory\n";

/** Runs `symphony` in-process until it logs `ready`, then aborts (standing in for SIGTERM). */
async function runUntilReady(args: string[], start?: ServiceStarter) {
  const io = captureIo(dir, { HOME: dir });
  const shutdown = new AbortController();
  const code = runCli(args, io, { shutdown: shutdown.signal, ...(start ? { start } : {}) });
  await until(() => /msg=ready|"msg":"ready"|cannot start/.test(io.err()), 5_000, "ready");
  shutdown.abort();
  return { code: await code, io };
}

function spawnCli(args: string[]) {
  const child = spawn(process.execPath, ["--import", tsxLoader, mainTs, ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", HOME: dir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, stderr: () => stderr, exited };
}

describe("symphony run (spec 17.7)", () => {
  it("17.7: CLI accepts a positional workflow path argument", async () => {
    const path = writeWorkflow(join(dir), good, "x");
    let seen: ServiceContext | undefined;
    const { code, io } = await runUntilReady([path], async (ctx) => {
      seen = ctx;
      return ok({ stop: async () => {} });
    });
    expect(code).toBe(0);
    expect(seen?.source.path).toBe(path);
    expect(io.err()).toContain(`msg=ready workflow=${path}`);
  });

  it("the `run` form honours every flag exactly as the bare form does", async () => {
    const path = writeWorkflow(join(dir), good, "x");
    const logs = join(dir, "logs");
    const forms = [
      [path, "--port", "0", "--logs-root", logs, "--log-format", "json", "--no-tui", "--debug"],
      ["run", path, "--port", "0", "--logs-root", logs, "--log-format", "json", "--no-tui", "--debug"],
      ["--debug", "run", path, "--port", "0", "--logs-root", logs, "--log-format", "json", "--no-tui"],
    ];
    const seen: ServiceContext["options"][] = [];
    for (const args of forms) {
      const { code } = await runUntilReady(args, async (ctx) => {
        seen.push(ctx.options);
        return ok({ stop: async () => {} });
      });
      expect(code).toBe(0);
    }
    const expected = {
      workflowPath: path,
      port: 0,
      logsRoot: logs,
      logFormat: "json",
      debug: true,
      tui: false,
    };
    expect(seen).toEqual([expected, expected, expected]);
  });

  it("startup warns about every unknown key, naming the nearest known one, and still starts", async () => {
    const path = writeWorkflow(join(dir), `${good}agent:\n  max_concurent_agents: 2\n`, "x");
    const { code, io } = await runUntilReady([path]);
    expect(code).toBe(0);
    expect(io.err()).toMatch(
      /level=warn msg="unknown workflow key ignored" .*key=agent\.max_concurent_agents line=5 detail="unknown key; did you mean max_concurrent_agents\?"/,
    );
  });

  it("a missing agent program is a warning that names the command, not an info line", async () => {
    mkdirSync(join(dir, "issues"));
    writeFileSync(join(dir, "issues", "T-1.md"), "---\ntitle: t\nstate: Todo\n---\nbody\n");
    const path = writeWorkflow(
      dir,
      `tracker:\n  kind: local\nworkspace:\n  root: ./ws\ncodex:\n  command: /nowhere/codex app-server\n`,
      "x",
    );
    const io = captureIo(dir, { HOME: dir, PATH: process.env.PATH ?? "" });
    const shutdown = new AbortController();
    const code = runCli([path, "--no-tui"], io, { shutdown: shutdown.signal });
    await until(() => /msg="worker exited"/.test(io.err()), 15_000, "worker exit");
    shutdown.abort();
    expect(await code).toBe(0);
    expect(io.err()).toMatch(
      /level=warn msg="worker exited" .*outcome=failed reason=.*agent_not_found: codex\.command \\"\/nowhere\/codex app-server\\": program not found/,
    );
  });

  it("17.7: CLI uses ./WORKFLOW.md when no workflow path argument is provided", async () => {
    writeWorkflow(dir, good, "x");
    const { code, io } = await runUntilReady([]);
    expect(code).toBe(0);
    expect(io.err()).toContain(`workflow=${join(dir, "WORKFLOW.md")}`);
  });

  it("17.7: CLI errors on a nonexistent explicit workflow path or a missing default ./WORKFLOW.md", async () => {
    for (const args of [["missing.md"], []]) {
      const io = captureIo(dir);
      expect(await runCli(args, io)).toBe(1);
      const lines = io.err().trim().split("\n");
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(
        /^symphony: cannot start: .*(missing\.md|WORKFLOW\.md): .*\(missing_workflow_file\)$/,
      );
    }
  });

  it("first run in an empty folder says to run `symphony init`", async () => {
    const io = captureIo(dir);
    expect(await runCli([], io)).toBe(1);
    expect(io.err().trim().split("\n")[1]).toBe(
      "symphony: no WORKFLOW.md here; run `symphony init` to write a starter workflow and a sample issue, or pass the path of yours",
    );
  });

  it("17.7: CLI surfaces startup failure cleanly: one line naming the error class and the file, no stack", async () => {
    const path = writeWorkflow(dir, "tracker:\n  kind: nope\n", "x");
    const io = captureIo(dir);
    expect(await runCli([path], io)).toBe(1);
    const lines = io.err().trim().split("\n");
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(`^symphony: cannot start: ${path}:3:9 tracker.kind: .*\\(unsupported_tracker_kind\\)$`),
      ),
    ]);
  });

  it("17.7: CLI exits nonzero when startup fails or the service exits abnormally", async () => {
    const path = writeWorkflow(dir, good, "x");
    const refused = captureIo(dir);
    expect(await runCli([path], refused, { start: async () => err("tracker unreachable") })).toBe(1);
    expect(refused.err()).toContain(`symphony: cannot start: tracker unreachable (${path})`);

    const threw = captureIo(dir);
    expect(
      await runCli([path], threw, {
        start: async () => {
          throw new Error("boom");
        },
      }),
    ).toBe(1);
    expect(threw.err()).not.toMatch(/\n\s+at /);

    const crashed = captureIo(dir);
    const exitCode = await runCli([path], crashed, {
      start: async () => ok({ stop: async () => {}, exited: Promise.resolve(3) }),
    });
    expect(exitCode).toBe(1);
    expect(crashed.err()).toContain('level=error msg="service exited" code=3');
  });

  it("a service that fails to stop makes the exit non-zero", async () => {
    const path = writeWorkflow(dir, good, "x");
    const { code, io } = await runUntilReady([path], async () =>
      ok({
        stop: async () => {
          throw new Error("stuck");
        },
      }),
    );
    expect(code).toBe(1);
    expect(io.err()).toContain('msg="service stop failed" reason=stuck');
  });

  it("--port overrides server.port, --log-format json and --logs-root are honoured", async () => {
    const path = writeWorkflow(dir, `${good}server:\n  port: 4000\n`, "x");
    let port: number | null = null;
    const { code, io } = await runUntilReady(
      [path, "--port", "0", "--log-format", "json", "--logs-root", "logs"],
      async (ctx) => {
        port = ctx.serverPort(ctx.source.current().config);
        return ok({ stop: async () => {} });
      },
    );
    expect(code).toBe(0);
    expect(port).toBe(0);
    const ready = io
      .err()
      .split("\n")
      .find((l) => l.includes('"msg":"ready"'));
    expect(JSON.parse(ready ?? "{}")).toMatchObject({ level: "info", msg: "ready", port: 0 });
    expect(readFileSync(join(dir, "logs", "symphony.log"), "utf8")).toContain('"msg":"ready"');
  });

  it("`symphony run [path]` is the same command; --debug (before or after it) adds debug lines", async () => {
    const path = writeWorkflow(dir, good, "x");
    for (const args of [
      ["run", path, "--debug"],
      ["--debug", "run", path],
    ]) {
      const { code, io } = await runUntilReady(args);
      expect(code).toBe(0);
      expect(io.err()).toContain(`level=debug msg="workflow loaded" workflow=${path}`);
    }
    const quiet = await runUntilReady(["run", path]);
    expect(quiet.io.err()).not.toContain("level=debug");
  });

  it("--logs-root expands ~ and resolves relative to the working directory", async () => {
    writeWorkflow(dir, good, "x");
    const io = captureIo(dir, { HOME: join(dir, "home") });
    const shutdown = new AbortController();
    const code = runCli(["--logs-root", "~/logs"], io, { shutdown: shutdown.signal });
    await until(() => io.err().includes("msg=ready"), 5_000, "ready");
    shutdown.abort();
    expect(await code).toBe(0);
    expect(readFileSync(join(dir, "home", "logs", "symphony.log"), "utf8")).toContain("msg=ready");
  });

  it("SIGINT/SIGTERM listeners are removed after the run", async () => {
    const before = [process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")];
    writeWorkflow(dir, good, "x");
    await runUntilReady([]);
    expect([process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")]).toEqual(before);
  });

  it("secrets from the workflow are redacted from log lines", async () => {
    const path = writeWorkflow(dir, `${good}server:\n  auth_token: super-secret-token\n`, "x");
    const { io } = await runUntilReady([path], async (ctx) => {
      ctx.logger.info("oops", { header: "Bearer super-secret-token" });
      return ok({ stop: async () => {} });
    });
    expect(io.err()).not.toContain("super-secret-token");
    expect(io.err()).toContain("[REDACTED]");
  });
});

describe("symphony as a real process", () => {
  it.each(["SIGTERM", "SIGINT"] as const)(
    "17.7: CLI exits with success when the application starts and shuts down normally (%s)",
    async (signal) => {
      writeWorkflow(dir, good, "x");
      const run = spawnCli([]);
      await until(() => run.stderr().includes("msg=ready"), 15_000, "ready");
      run.child.kill(signal);
      expect(await run.exited).toBe(0);
      expect(run.stderr()).toContain("msg=stopped");
    },
    20_000,
  );

  it("17.7: CLI exits nonzero when startup fails, with one clean line", async () => {
    writeFileSync(join(dir, "WORKFLOW.md"), "---\n[not, a, map]\n---\n");
    const run = spawnCli([]);
    expect(await run.exited).toBe(1);
    expect(run.stderr().trim().split("\n")).toEqual([
      expect.stringContaining("(workflow_front_matter_not_a_map)"),
    ]);
  }, 20_000);
});
