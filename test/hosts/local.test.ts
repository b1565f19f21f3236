import { spawn } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildChildEnv } from "../../src/hosts/child-env.js";
import { createLocalHost } from "../../src/hosts/local.js";
import { processesWithEnv } from "../support/processes.js";
import { makeTempDir } from "../support/temp-dir.js";
import { pidAlive, until } from "../support/until.js";

let root: { path: string; cleanup: () => Promise<void> };
let env: Record<string, string>;

beforeEach(async () => {
  root = await makeTempDir();
  const home = join(root.path, "home");
  await mkdir(home);
  env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home };
});
afterEach(() => root.cleanup());

async function readPid(file: string): Promise<number> {
  await until(async () => (await readFile(file, "utf8").catch(() => "")).trim() !== "", 5_000, file);
  return Number((await readFile(file, "utf8")).trim());
}

describe("local host: runScript", () => {
  it("runs bash in the given cwd with exactly the given env and reports the exit code", async () => {
    const host = createLocalHost();
    const result = await host.runScript('pwd; echo "v=$ONLY_THIS"; echo err >&2; exit 3', {
      cwd: root.path,
      env: { ...env, ONLY_THIS: "yes" },
      timeoutMs: 10_000,
    });
    expect(result.exitCode).toBe(3);
    expect(result.output).toContain(root.path);
    expect(result.output).toContain("v=yes");
    expect(result.output).toContain("err");
    expect(result.timedOut).toBe(false);
  });

  it("kills the whole process group on timeout, grandchildren included", async () => {
    const host = createLocalHost({ killGraceMs: 200 });
    const pidFile = join(root.path, "grandchild.pid");
    const started = Date.now();
    const run = host.runScript(`sleep 30 & echo $! > ${pidFile}; wait`, {
      cwd: root.path,
      env,
      timeoutMs: 300,
    });
    const grandchild = await readPid(pidFile);
    const result = await run;
    expect(result.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
    await until(() => !pidAlive(grandchild), 2_000, "grandchild to die");
  });

  it("SIGKILLs a group that ignores SIGTERM after the grace period", async () => {
    const host = createLocalHost({ killGraceMs: 100 });
    const result = await host.runScript("trap '' TERM; sleep 30", { cwd: root.path, env, timeoutMs: 200 });
    expect(result.timedOut).toBe(true);
    expect(result.signal === "SIGKILL" || result.exitCode !== 0).toBe(true);
  });

  it("stops when the abort signal fires and says so", async () => {
    const host = createLocalHost({ killGraceMs: 100 });
    const controller = new AbortController();
    const run = host.runScript("sleep 30", {
      cwd: root.path,
      env,
      timeoutMs: 60_000,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 100);
    const result = await run;
    expect(result.aborted).toBe(true);
    expect(result.timedOut).toBe(false);
  });

  it("leaves no background child behind once the script itself exits", async () => {
    const host = createLocalHost();
    const pidFile = join(root.path, "bg.pid");
    const result = await host.runScript(`nohup sleep 30 >/dev/null 2>&1 & echo $! > ${pidFile}; exit 0`, {
      cwd: root.path,
      env,
      timeoutMs: 10_000,
    });
    expect(result.exitCode).toBe(0);
    const bg = await readPid(pidFile);
    await until(() => !pidAlive(bg), 2_000, "background child to die");
  });

  it("caps a flood of output, keeping the head and the tail", async () => {
    const host = createLocalHost();
    const result = await host.runScript(
      "echo FIRST; head -c 2000000 /dev/zero | tr '\\0' x; echo; echo LAST",
      {
        cwd: root.path,
        env,
        timeoutMs: 10_000,
        maxOutputBytes: 1_000,
      },
    );
    expect(result.truncated).toBe(true);
    expect(result.output.length).toBeLessThan(1_200);
    expect(result.output.startsWith("FIRST")).toBe(true);
    expect(result.output.trimEnd().endsWith("LAST")).toBe(true);
  });

  it("reports a missing cwd as a failure instead of hanging", async () => {
    const host = createLocalHost();
    const result = await host.runScript("true", { cwd: join(root.path, "missing"), env, timeoutMs: 5_000 });
    expect(result.exitCode === 0).toBe(false);
  });
});

describe("local host: spawn", () => {
  it("talks over stdio and kill() takes the group down, grandchildren included", async () => {
    const host = createLocalHost({ killGraceMs: 200 });
    const pidFile = join(root.path, "gc.pid");
    const proc = host.spawn(`sleep 30 & echo $! > ${pidFile}; read line; echo "got $line"; sleep 30`, {
      cwd: root.path,
      env,
    });
    const chunks: string[] = [];
    proc.stdout.on("data", (c: Buffer) => chunks.push(c.toString()));
    proc.stdin.write("hello\n");
    await until(() => chunks.join("").includes("got hello"), 5_000, "echo");
    const grandchild = await readPid(pidFile);
    await proc.kill();
    const exit = await proc.exited;
    expect(exit.signal ?? exit.code).not.toBeNull();
    await until(() => !pidAlive(grandchild), 2_000, "grandchild to die");
    expect(proc.pid !== undefined && pidAlive(proc.pid)).toBe(false);
  });
});

describe("local host: spawn with an AbortSignal", () => {
  it("aborting the signal kills the tracked tree; a signal aborted before spawn kills at once", async () => {
    const host = createLocalHost({ killGraceMs: 200 });
    const pidFile = join(root.path, "gc.pid");
    const controller = new AbortController();
    const proc = host.spawn(`sleep 30 & echo $! > ${pidFile}; sleep 30`, {
      cwd: root.path,
      env,
      signal: controller.signal,
    });
    const grandchild = await readPid(pidFile);
    expect(pidAlive(grandchild)).toBe(true);
    controller.abort();
    const exit = await proc.exited;
    expect(exit.signal ?? exit.code).not.toBeNull();
    await until(() => !pidAlive(grandchild), 2_000, "grandchild to die");

    const late = host.spawn("sleep 30", { cwd: root.path, env, signal: AbortSignal.abort() });
    const lateExit = await late.exited;
    expect(lateExit.signal).not.toBeNull();
  });
});

describe("local host: directories", () => {
  it("ensureDir says whether it created the directory and returns its real path", async () => {
    const host = createLocalHost();
    const path = join(root.path, "a", "b");
    expect((await host.ensureDir(path)).created).toBe(true);
    const again = await host.ensureDir(path);
    expect(again.created).toBe(false);
    expect(again.realPath.endsWith(join("a", "b"))).toBe(true);
    await host.remove(join(root.path, "a"));
    expect((await host.ensureDir(path)).created).toBe(true);
  });

  it("ensureDir refuses a regular file at the path", async () => {
    const host = createLocalHost();
    const path = join(root.path, "file");
    await writeFile(path, "x");
    await expect(host.ensureDir(path)).rejects.toThrow(/not a directory/);
  });
});

describe("child environment", () => {
  it("passes only allow-listed names plus extras and never the removed secret names", () => {
    const child = buildChildEnv({
      parent: { PATH: "/bin", HOME: "/h", LINEAR_API_KEY: "secret", LC_ALL: "C", RANDOM_THING: "x" },
      extra: { SYMPHONY_ISSUE_ID: "1", LINEAR_API_KEY: "again" },
      removeNames: ["LINEAR_API_KEY"],
    });
    expect(child).toEqual({ PATH: "/bin", HOME: "/h", LC_ALL: "C", SYMPHONY_ISSUE_ID: "1" });
  });
});

describe("local host: shell start-up files", () => {
  const profiles = async () => {
    for (const file of [".profile", ".bash_profile", ".bashrc", ".bash_login"]) {
      await writeFile(join(env.HOME as string, file), "export FAKE_PROFILE_TOKEN=tok-from-profile\n");
    }
  };

  it("by default neither a hook script nor a spawned agent reads ~/.profile or ~/.bashrc", async () => {
    await profiles();
    const host = createLocalHost();
    const script = await host.runScript('echo "token=$FAKE_PROFILE_TOKEN"', {
      cwd: root.path,
      env,
      timeoutMs: 10_000,
    });
    expect(script.output).toBe("token=\n");
    const proc = host.spawn('echo "token=$FAKE_PROFILE_TOKEN"', { cwd: root.path, env });
    let out = "";
    proc.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    await proc.exited;
    await until(() => out.endsWith("\n"), 5_000, "spawned output");
    expect(out).toBe("token=\n");
  });

  it("with loginShell: true the login profile is read (the explicit opt-in)", async () => {
    await profiles();
    const host = createLocalHost({ loginShell: true });
    const script = await host.runScript('echo "token=$FAKE_PROFILE_TOKEN"', {
      cwd: root.path,
      env,
      timeoutMs: 10_000,
    });
    expect(script.output).toBe("token=tok-from-profile\n");
  });
});

describe("local host: processes that escape their group", () => {
  const tagged = () => {
    const tag = `escape-${process.pid}-${Math.random().toString(36).slice(2)}`;
    return {
      tag,
      env: { ...env, ESCAPE_TEST_TAG: tag },
      left: () => processesWithEnv("ESCAPE_TEST_TAG", tag),
    };
  };

  it("a setsid daemon a script started is killed when the script ends", async () => {
    const t = tagged();
    const result = await createLocalHost().runScript(
      "setsid sleep 1000 >/dev/null 2>&1 < /dev/null &\nsleep 0.5; echo started",
      {
        cwd: root.path,
        env: t.env,
        timeoutMs: 30_000,
      },
    );
    expect(result.output).toBe("started\n");
    await until(async () => (await t.left()).length === 0, 3_000, "escaped daemon to die");
  });

  it("a daemon that keeps stdout open does not wedge the script: it resolves after the grace", async () => {
    const t = tagged();
    const started = Date.now();
    const result = await createLocalHost({ killGraceMs: 300 }).runScript(
      "setsid sleep 1000 &\nsleep 0.5; echo started",
      {
        cwd: root.path,
        env: t.env,
        timeoutMs: 30_000,
      },
    );
    expect(result.exitCode).toBe(0);
    expect(result.timedOut).toBe(false);
    expect(Date.now() - started).toBeLessThan(5_000);
    await until(async () => (await t.left()).length === 0, 3_000, "escaped daemon to die");
  });

  it("a setsid daemon a spawned agent started is killed when the agent exits", async () => {
    const t = tagged();
    const proc = createLocalHost().spawn("setsid sleep 1000 &\nsleep 0.5; echo started", {
      cwd: root.path,
      env: t.env,
    });
    proc.stdout.resume();
    await proc.exited;
    expect(await t.left()).toEqual([]);
  });

  it("when the service process exits, an agent's escaped daemon dies with it", async () => {
    const t = tagged();
    const script = join(root.path, "service.ts");
    const localHost = join(process.cwd(), "src/hosts/local.ts");
    await writeFile(
      script,
      [
        `import { existsSync } from "node:fs";`,
        `import { createLocalHost } from ${JSON.stringify(localHost)};`,
        `const proc = createLocalHost().spawn("setsid sleep 1000 >/dev/null 2>&1 < /dev/null & sleep 1000", { cwd: ${JSON.stringify(root.path)}, env: ${JSON.stringify(t.env)} });`,
        // the service exits (without stopping its agent) once the test has seen the daemon
        `setInterval(() => { if (existsSync(${JSON.stringify(join(root.path, "go"))})) process.exit(0); }, 50);`,
      ].join("\n"),
    );
    const loader = pathToFileURL(join(process.cwd(), "node_modules/tsx/dist/loader.mjs")).href;
    const child = spawn(process.execPath, ["--import", loader, script], { stdio: "ignore" });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    await until(async () => (await t.left()).length >= 2, 40_000, "agent and the daemon");
    await writeFile(join(root.path, "go"), "");
    const code = await exited;
    expect(code).toBe(0);
    await until(async () => (await t.left()).length === 0, 5_000, "every tagged process to die");
  }, 60_000);
});
