import { mkdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import type { Host } from "../../src/hosts/host.js";
import { createSshHost, SshHostError } from "../../src/hosts/ssh.js";
import { processesMentioning, processesWithEnv } from "../support/processes.js";
import { startSilentServer, startSshd, type TestSshd } from "../support/sshd.js";
import { makeTempDir } from "../support/temp-dir.js";
import { describeNeeding, SSHD } from "../support/tools.js";
import { pidAlive, until } from "../support/until.js";

const needs = describeNeeding([SSHD]);

let sshd: TestSshd;
let root: { path: string; cleanup: () => Promise<void> };
let env: Record<string, string>;

beforeAll(async () => {
  if (needs.missing !== null) return;
  sshd = await startSshd();
});
afterAll(async () => {
  if (needs.missing === null) await sshd.close();
});
beforeEach(async () => {
  root = await makeTempDir("symphony-ssh-test-");
  const home = join(root.path, "home");
  await mkdir(home);
  env = { PATH: "/usr/local/bin:/usr/bin:/bin", HOME: home };
});
afterEach(async () => {
  // hygiene: nothing started for this test (local ssh, remote wrapper, script) outlives it
  await until(
    async () => (await processesMentioning(root.path)).length === 0,
    5_000,
    "test processes to exit",
  );
  await root.cleanup();
});

function host(options: { killGraceMs?: number; connectTimeoutMs?: number } = {}): Host {
  return createSshHost("sshd-test", { sshConfigPath: sshd.configPath, ...options });
}

async function readPid(file: string): Promise<number> {
  await until(async () => (await readFile(file, "utf8").catch(() => "")).trim() !== "", 10_000, file);
  return Number((await readFile(file, "utf8")).trim());
}

/** Asks the remote host (not this process) whether a pid is alive. */
async function remoteAlive(h: Host, pid: number): Promise<boolean> {
  const result = await h.runScript(`kill -0 ${pid} 2>/dev/null && echo alive || echo gone`, {
    cwd: "/",
    env,
    timeoutMs: 10_000,
  });
  return result.output.includes("alive");
}

needs.describe("ssh host: destinations", () => {
  it("A: host:port form adds -p and reaches the server", async () => {
    const h = createSshHost(`127.0.0.1:${sshd.port}`, { sshConfigPath: sshd.configPath });
    const result = await h.runScript("echo ok", { cwd: "/", env, timeoutMs: 10_000 });
    expect(result).toMatchObject({ exitCode: 0, output: "ok\n", unreachable: false });
  });

  it("A: user@[v6]:port and user@host:port forms reach the server", async () => {
    for (const destination of [`root@[127.0.0.1]:${sshd.port}`, `root@127.0.0.1:${sshd.port}`]) {
      const h = createSshHost(destination, { sshConfigPath: sshd.configPath });
      expect(h.name).toBe(destination);
      const result = await h.runScript("whoami", { cwd: "/", env, timeoutMs: 10_000 });
      expect(result.output).toBe("root\n");
    }
  });

  it("uses $SYMPHONY_SSH_CONFIG as the -F file when no path is given", async () => {
    const h = createSshHost("sshd-test", {
      parentEnv: { ...process.env, SYMPHONY_SSH_CONFIG: sshd.configPath },
    });
    const result = await h.runScript("echo via-env-config", { cwd: "/", env, timeoutMs: 10_000 });
    expect(result.output).toBe("via-env-config\n");
  });

  it("refuses a destination that ssh would read as an option", () => {
    expect(() => createSshHost("-oProxyCommand=touch /tmp/x")).toThrow(TypeError);
  });
});

needs.describe("ssh host: ensureDir and remove", () => {
  it("creates a missing directory, says so, and returns the remote pwd -P", async () => {
    const h = host();
    const real = join(root.path, "real");
    await mkdir(real);
    await symlink(real, join(root.path, "link"));
    const first = await h.ensureDir(join(root.path, "link", "a b", "ws"));
    expect(first).toEqual({ created: true, realPath: join(real, "a b", "ws") });
    expect((await stat(join(real, "a b", "ws"))).isDirectory()).toBe(true);
    const again = await h.ensureDir(join(root.path, "link", "a b", "ws"));
    expect(again).toEqual({ created: false, realPath: join(real, "a b", "ws") });
  });

  it("fails with data when a non-directory is in the way", async () => {
    const file = join(root.path, "file");
    await writeFile(file, "x");
    const error = await host()
      .ensureDir(file)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshHostError);
    expect(error).toMatchObject({ kind: "remote_failed", destination: "sshd-test" });
    expect((await readFile(file, "utf8")) === "x").toBe(true);
  });

  it("expands a leading ~/ to the remote login's HOME", async () => {
    const h = host();
    const name = `~/.symphony-ssh-test-${process.pid}-${Date.now()}`;
    try {
      const made = await h.ensureDir(`${name}/ws`);
      expect(made.created).toBe(true);
      expect(made.realPath).toBe(`${sshd.home}/${name.slice(2)}/ws`);
    } finally {
      await h.remove(name);
    }
    await expect(stat(`${sshd.home}/${name.slice(2)}`)).rejects.toThrow();
  });

  it("a relative path is relative to the remote login's HOME, as with `ssh host cmd`", async () => {
    const h = host();
    const name = `.symphony-ssh-rel-${process.pid}-${Date.now()}`;
    try {
      expect(await h.ensureDir(name)).toEqual({ created: true, realPath: `${sshd.home}/${name}` });
    } finally {
      await h.remove(name);
    }
    await expect(stat(`${sshd.home}/${name}`)).rejects.toThrow();
  });

  it("removes recursively, and a missing path is fine", async () => {
    const h = host();
    const dir = join(root.path, "it's $HOME");
    await mkdir(join(dir, "deep"), { recursive: true });
    await writeFile(join(dir, "deep", "f"), "x");
    await h.remove(dir);
    await expect(stat(dir)).rejects.toThrow();
    await h.remove(dir);
  });
});

needs.describe("ssh host: secrets", () => {
  it("environment values never appear on a command line, local or remote", async () => {
    const token = `tok-${process.pid}-${Date.now()}`;
    const h = host({ killGraceMs: 200 });
    const child = h.spawn(`echo "$SECRET_FOR_TEST"; exec -a "sleep-${root.path}" sleep 300`, {
      cwd: "/",
      env: { ...env, SECRET_FOR_TEST: token },
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString("utf8");
    });
    await until(() => out.includes(token), 10_000, "child to start");
    // the remote side is this machine, so /proc covers the local ssh and every remote process
    expect(await processesMentioning(token)).toEqual([]);
    await child.kill();
  });
});

needs.describe("ssh host: runScript", () => {
  it("runs bash in cwd and reports exit code and interleaved output", async () => {
    const result = await host().runScript("pwd; echo out; echo err >&2; exit 3", {
      cwd: root.path,
      env,
      timeoutMs: 10_000,
    });
    expect(result).toMatchObject({ exitCode: 3, timedOut: false, aborted: false, unreachable: false });
    expect(result.output).toBe(`${root.path}\nout\nerr\n`);
  });

  it("A.3: a missing cwd fails the script without running it", async () => {
    const marker = join(root.path, "ran");
    const result = await host().runScript(`touch ${marker}`, {
      cwd: join(root.path, "missing"),
      env,
      timeoutMs: 10_000,
    });
    expect(result.exitCode).toBe(1);
    await expect(stat(marker)).rejects.toThrow();
  });

  it("quotes awkward paths and scripts: quotes, $, backslashes and newlines arrive verbatim", async () => {
    const cwd = join(root.path, `it's "$HOME" \\ \n x`);
    await mkdir(cwd);
    const script = [
      `printf '%s|' "$(basename "$PWD")" 'single '"'"' quote' "dollar \\$HOME" '$(date)'`,
      "echo",
      "echo 'line2'",
    ].join("\n");
    const result = await host().runScript(script, { cwd, env, timeoutMs: 10_000 });
    expect(result.exitCode).toBe(0);
    expect(result.output).toBe(`it's "$HOME" \\ \n x|single ' quote|dollar $HOME|$(date)|\nline2\n`);
  });

  it("exports exactly the given env on the remote side: no local variables, no sshd session variables", async () => {
    process.env.LEAKY_SECRET = "local-secret";
    process.env.SYMPHONY_LOCAL_ONLY = "local";
    try {
      const result = await host().runScript("env", {
        cwd: "/",
        env: { ...env, GIVEN: "it's $given", LEAKY_ALLOWED: "passed" },
        timeoutMs: 10_000,
      });
      const vars = new Map(
        result.output
          .trim()
          .split("\n")
          .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
      );
      expect(vars.get("GIVEN")).toBe("it's $given");
      expect(vars.get("LEAKY_ALLOWED")).toBe("passed");
      expect(vars.get("HOME")).toBe(env.HOME);
      expect(vars.has("LEAKY_SECRET")).toBe(false);
      expect(vars.has("SYMPHONY_LOCAL_ONLY")).toBe(false);
      expect(vars.has("SSH_CONNECTION")).toBe(false);
      expect(vars.has("SSH_CLIENT")).toBe(false);
    } finally {
      delete process.env.LEAKY_SECRET;
      delete process.env.SYMPHONY_LOCAL_ONLY;
    }
  });

  it("timeout kills the remote process group: a grandchild the script started is gone on the remote host", async () => {
    const h = host({ killGraceMs: 200 });
    const pidFile = join(root.path, "grandchild.pid");
    const started = Date.now();
    const run = h.runScript(`sleep 300 & echo $! > ${pidFile}; wait`, {
      cwd: root.path,
      env,
      timeoutMs: 3_000,
    });
    const grandchild = await readPid(pidFile);
    expect(await remoteAlive(h, grandchild)).toBe(true);
    const result = await run;
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).not.toBe(0);
    expect(Date.now() - started).toBeLessThan(8_000);
    await until(async () => !(await remoteAlive(h, grandchild)), 5_000, "remote grandchild to die");
  });

  it("a group that ignores SIGTERM is SIGKILLed after the grace", async () => {
    const h = host({ killGraceMs: 200 });
    const pidFile = join(root.path, "stubborn.pid");
    const run = h.runScript(`trap '' TERM; echo $$ > ${pidFile}; while :; do sleep 1; done`, {
      cwd: root.path,
      env,
      timeoutMs: 2_000,
    });
    const stubborn = await readPid(pidFile);
    const result = await run;
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBe(137);
    await until(async () => !(await remoteAlive(h, stubborn)), 5_000, "stubborn script to die");
  });

  it("abort ends the session and the remote group, and says so", async () => {
    const h = host({ killGraceMs: 200 });
    const controller = new AbortController();
    const pidFile = join(root.path, "sleeper.pid");
    const run = h.runScript(`sleep 300 & echo $! > ${pidFile}; wait`, {
      cwd: root.path,
      env,
      timeoutMs: 60_000,
      signal: controller.signal,
    });
    const sleeper = await readPid(pidFile);
    controller.abort();
    const result = await run;
    expect(result).toMatchObject({ aborted: true, timedOut: false });
    await until(async () => !(await remoteAlive(h, sleeper)), 5_000, "remote sleeper to die");
  });

  it("leaves no background child behind once the script itself exits", async () => {
    const h = host();
    const pidFile = join(root.path, "bg.pid");
    const result = await h.runScript(`sleep 300 >/dev/null 2>&1 & echo $! > ${pidFile}`, {
      cwd: root.path,
      env,
      timeoutMs: 10_000,
    });
    expect(result.exitCode).toBe(0);
    const bg = await readPid(pidFile);
    await until(async () => !(await remoteAlive(h, bg)), 5_000, "background child to die");
  });

  it("caps output and marks it truncated", async () => {
    const result = await host().runScript("head -c 100000 /dev/zero | tr '\\0' x", {
      cwd: "/",
      env,
      timeoutMs: 10_000,
      maxOutputBytes: 1_000,
    });
    expect(result.truncated).toBe(true);
    expect(result.output.length).toBeLessThan(1_200);
  });
});

needs.describe("ssh host: spawn", () => {
  it("A.1: a long-lived stdio child round-trips lines over ssh and exits on its own", async () => {
    const h = host();
    const child = h.spawn('while IFS= read -r line; do printf "echo:%s:%s\\n" "$line" "$PWD"; done; exit 7', {
      cwd: root.path,
      env,
    });
    const lines: string[] = [];
    let buffer = "";
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      const parts = buffer.split("\n");
      buffer = parts.pop() ?? "";
      lines.push(...parts);
    });
    child.stdin.write('{"id":1}\n');
    await until(() => lines.length === 1, 10_000, "first reply");
    child.stdin.write("it's $two\n");
    await until(() => lines.length === 2, 10_000, "second reply");
    expect(lines).toEqual([`echo:{"id":1}:${root.path}`, `echo:it's $two:${root.path}`]);
    child.stdin.end();
    const exit = await child.exited;
    expect(exit.code).not.toBe(0);
  });

  it("kill() ends the ssh session and the remote process group", async () => {
    const h = host({ killGraceMs: 200 });
    const pidFile = join(root.path, "spawned.pid");
    const child = h.spawn(`sleep 300 & echo $! > ${pidFile}; trap '' TERM; cat`, { cwd: root.path, env });
    const sleeper = await readPid(pidFile);
    expect(child.pid).toBeGreaterThan(0);
    const started = Date.now();
    await child.kill();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(pidAlive(child.pid ?? -1)).toBe(false);
    await until(async () => !(await remoteAlive(h, sleeper)), 5_000, "remote group to die");
  });

  it("stderr is separate from stdout", async () => {
    const child = host().spawn("echo to-out; echo to-err >&2", { cwd: "/", env });
    let out = "";
    let errText = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString("utf8");
    });
    child.stderr.on("data", (c: Buffer) => {
      errText += c.toString("utf8");
    });
    const exit = await child.exited;
    expect(exit.code).toBe(0);
    expect(out).toBe("to-out\n");
    expect(errText).toBe("to-err\n");
  });
});

needs.describe("ssh host: chatty login shells", () => {
  it("what the remote login profile prints never reaches the script output or the stdio stream", async () => {
    await writeFile(join(env.HOME ?? "", ".bash_profile"), "echo profile-noise\necho profile-err >&2\n");
    const h = host();
    const result = await h.runScript("echo clean", { cwd: "/", env, timeoutMs: 10_000 });
    expect(result.output).toBe("clean\n");
    const child = h.spawn("echo clean-stdio", { cwd: "/", env });
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString("utf8");
    });
    await child.exited;
    await until(() => out !== "", 2_000, "stdout");
    expect(out).toBe("clean-stdio\n");
  });
});

needs.describe("ssh host: connection loss", () => {
  it("A.3: when the local ssh dies, the remote wrapper sees the dropped session and kills the remote group", async () => {
    const h = host({ killGraceMs: 200 });
    const pidFile = join(root.path, "orphan.pid");
    const child = h.spawn(`sleep 300 & echo $! > ${pidFile}; wait`, { cwd: root.path, env });
    const sleeper = await readPid(pidFile);
    process.kill(child.pid ?? -1, "SIGKILL");
    await child.exited;
    await until(async () => !(await remoteAlive(h, sleeper)), 5_000, "remote group to die after the drop");
  });

  it("kill() on a session stuck connecting kills the local ssh after the grace and fallback", async () => {
    const silent = await startSilentServer();
    try {
      const h = createSshHost(`127.0.0.1:${silent.port}`, {
        sshConfigPath: sshd.configPath,
        connectTimeoutMs: 30_000,
        killGraceMs: 100,
      });
      const child = h.spawn(`echo ${root.path}`, { cwd: "/", env });
      const started = Date.now();
      await child.kill();
      expect(Date.now() - started).toBeLessThan(6_000);
      expect(pidAlive(child.pid ?? -1)).toBe(false);
      expect((await child.exited).code).not.toBe(0);
      await child.kill();
    } finally {
      await silent.close();
    }
  });
});

needs.describe("ssh host: unreachable hosts", () => {
  it("A.3: connection refused is reported as unreachable, quickly", async () => {
    const silent = await startSilentServer();
    const port = silent.port;
    await silent.close();
    const h = createSshHost(`127.0.0.1:${port}`, { sshConfigPath: sshd.configPath, connectTimeoutMs: 2_000 });
    const result = await h.runScript("echo never", { cwd: "/", env, timeoutMs: 10_000 });
    expect(result).toMatchObject({ exitCode: 255, unreachable: true });
    expect(result.output).not.toContain("never");
    const error = await h.ensureDir(join(root.path, "x")).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "unreachable", destination: `127.0.0.1:${port}` });
  });

  it("A.3: a server that never answers fails within the connect timeout", async () => {
    const silent = await startSilentServer();
    try {
      const h = createSshHost(`127.0.0.1:${silent.port}`, {
        sshConfigPath: sshd.configPath,
        connectTimeoutMs: 1_000,
      });
      const started = Date.now();
      const result = await h.runScript("echo never", { cwd: "/", env, timeoutMs: 30_000 });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(result).toMatchObject({ unreachable: true, timedOut: false });
    } finally {
      await silent.close();
    }
  });

  it("a missing ssh binary is a clean failure, not a crash", async () => {
    const h = createSshHost("sshd-test", {
      sshConfigPath: sshd.configPath,
      sshBinary: join(root.path, "no-ssh"),
    });
    const result = await h.runScript("echo never", { cwd: "/", env, timeoutMs: 10_000 });
    expect(result.unreachable).toBe(true);
    expect(result.output).toContain("ENOENT");
  });
});

needs.describe("ssh host: processes that escape their group", () => {
  it("a setsid daemon the remote script started is killed when the script ends", async () => {
    const tag = `ssh-escape-${process.pid}-${Math.random().toString(36).slice(2)}`;
    const result = await host().runScript(
      "setsid sleep 1000 >/dev/null 2>&1 < /dev/null &\nsleep 0.5; echo started",
      { cwd: "/", env: { ...env, ESCAPE_TEST_TAG: tag }, timeoutMs: 30_000 },
    );
    expect(result.output).toBe("started\n");
    // the test sshd runs on this machine, so the remote processes are visible here
    await until(
      async () => (await processesWithEnv("ESCAPE_TEST_TAG", tag)).length === 0,
      3_000,
      "daemon to die",
    );
  });
});
