import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import { captureIo } from "../support/cli-io.js";
import { startSshd, type TestSshd } from "../support/sshd.js";
import { makeTempDir } from "../support/temp-dir.js";
import { describeNeeding, SSHD } from "../support/tools.js";
import { until } from "../support/until.js";

const run = promisify(execFile);
const needs = describeNeeding([
  SSHD,
  { name: "git", path: "git", install: "apt-get install -y git" },
  { name: "ssh-agent", path: "ssh-agent", install: "apt-get install -y openssh-client" },
]);

let sshd: TestSshd;
let agent: ChildProcess | null = null;
let agentSocket = "";
let origin = "";
let dir: { path: string; cleanup: () => Promise<void> };

beforeAll(async () => {
  if (needs.missing !== null) return;
  sshd = await startSshd();
  // an ssh-agent holding the only key the test sshd accepts: the clone works only through the agent
  agentSocket = join(sshd.dir, "agent.sock");
  agent = spawn("ssh-agent", ["-D", "-a", agentSocket], { stdio: "ignore" });
  await until(() => existsSync(agentSocket), 5_000, "ssh-agent socket");
  await run("ssh-add", [join(sshd.dir, "client_key")], {
    env: { ...process.env, SSH_AUTH_SOCK: agentSocket },
  });
  // a repository to clone, served by the test sshd
  const work = join(sshd.dir, "work");
  origin = join(sshd.dir, "origin.git");
  const git = (...args: string[]) => run("git", args, { cwd: work });
  mkdirSync(work);
  await git("init", "-q", "-b", "main");
  writeFileSync(join(work, "README.md"), "cloned over ssh-agent\n");
  await git("add", "README.md");
  await git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "init");
  await run("git", ["clone", "-q", "--bare", work, origin]);
}, 30_000);
afterAll(async () => {
  agent?.kill("SIGTERM");
  if (needs.missing === null) await sshd.close();
});
beforeEach(async () => {
  dir = await makeTempDir("symphony-hook-env-");
});
afterEach(async () => dir.cleanup());

/** A local-tracker project whose after_create clones over ssh, with `hooks.env_passthrough` as given. */
function project(passthrough: string): string {
  // no IdentityFile: the only way in is the agent behind SSH_AUTH_SOCK
  const sshConfig = join(dir.path, "ssh_config");
  writeFileSync(
    sshConfig,
    [
      "Host git-host",
      "  HostName 127.0.0.1",
      `  Port ${sshd.port}`,
      `  User ${sshd.user}`,
      "  StrictHostKeyChecking no",
      "  UserKnownHostsFile /dev/null",
      "  LogLevel ERROR",
      "",
    ].join("\n"),
  );
  mkdirSync(join(dir.path, "issues"));
  writeFileSync(join(dir.path, "issues", "T-1.md"), "---\ntitle: t\nstate: Todo\n---\nbody\n");
  const path = join(dir.path, "WORKFLOW.md");
  writeFileSync(
    path,
    [
      "---",
      "tracker:",
      "  kind: local",
      "workspace:",
      "  root: ./ws",
      "hooks:",
      "  after_create: |",
      `    GIT_SSH_COMMAND="ssh -F ${sshConfig}" git clone -q "git-host:${origin}" .`,
      passthrough,
      "agent:",
      "  backend: command",
      "command:",
      `  run: 'printf "SYMPHONY_TOOL: %s\\n" "{\\"name\\":\\"update_issue\\",\\"arguments\\":{\\"state\\":\\"Human Review\\"}}"'`,
      "---",
      "Do it.",
      "",
    ].join("\n"),
  );
  return path;
}

async function runUntil(path: string, done: (err: string) => boolean): Promise<string> {
  const io = captureIo(dir.path, {
    HOME: dir.path,
    PATH: process.env.PATH ?? "",
    SSH_AUTH_SOCK: agentSocket,
  });
  const shutdown = new AbortController();
  const code = runCli([path, "--no-tui"], io, { shutdown: shutdown.signal });
  await until(() => done(io.err()), 15_000, "hook outcome").catch((e: unknown) => {
    shutdown.abort();
    throw new Error(`${String(e)}\n${io.err()}`);
  });
  shutdown.abort();
  expect(await code).toBe(0);
  return io.err();
}

needs.describe("hooks.env_passthrough (an Elixir-style after_create that clones over ssh-agent)", () => {
  it("SSH_AUTH_SOCK listed in hooks.env_passthrough reaches after_create, and the clone works", async () => {
    const path = project("  env_passthrough: [SSH_AUTH_SOCK]");
    const log = await runUntil(path, (err) => /msg="hook (completed|failed)" .*hook=after_create/.test(err));
    expect(log).toMatch(/msg="hook completed" .*hook=after_create/);
    expect(readFileSync(join(dir.path, "ws", "T-1", "README.md"), "utf8")).toBe("cloned over ssh-agent\n");
  });

  it("without it the hook gets no agent socket (the default allow-list), so the clone fails", async () => {
    const path = project("  timeout_ms: 30000");
    const log = await runUntil(path, (err) => /msg="hook failed" .*hook=after_create/.test(err));
    expect(log).toMatch(/Permission denied|publickey/);
    expect(existsSync(join(dir.path, "ws", "T-1", "README.md"))).toBe(false);
  });
});
