import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { checkAgent, firstProgram } from "../../../src/cli/doctor/agent-check.js";
import { startFakeOpenAIChatServer } from "../../support/fake-openai-chat-server.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { pidAlive, until } from "../../support/until.js";
import { buildConfig } from "../../support/workflow-fixtures.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A temp dir with an empty HOME and a bin/ for fake CLIs; the env doctor gets. */
async function sandbox() {
  const dir = await makeTempDir("symphony-doctor-agent-");
  cleanups.push(dir.cleanup);
  const bin = join(dir.path, "bin");
  const home = join(dir.path, "home");
  await mkdir(bin);
  await mkdir(home);
  // bash -lc runs /etc/profile, which resets PATH for root on Debian; the login files put bin/ back
  await writeFile(join(home, ".bash_profile"), `export PATH="${bin}:$PATH"\n`);
  const env = { PATH: `${bin}:/usr/bin:/bin`, HOME: home, LINEAR_API_KEY: "lin_secret_never_passed" };
  const script = async (name: string, body: string) => {
    const path = join(bin, name);
    await writeFile(path, `#!/bin/bash\n${body}\n`);
    await chmod(path, 0o755);
    return path;
  };
  return { dir: dir.path, bin, env, script };
}

const signal = () => AbortSignal.timeout(10_000);

describe("doctor: the agent backend can start", () => {
  it.each([
    ["codex app-server", "codex"],
    ["  FOO=1 BAR=x /opt/bin/agent --flag", "/opt/bin/agent"],
    ["'my agent' run", "my"],
    ['"./run.sh"', "./run.sh"],
    ["   ", null],
  ])("firstProgram(%j) is %j", (line, expected) => {
    expect(firstProgram(line)).toBe(expected);
  });

  it("codex: a fake `codex` on PATH resolves through bash with an allow-listed env", async () => {
    const s = await sandbox();
    const codex = await s.script("codex", "exit 0");
    const config = buildConfig({ agent: { backend: "codex" } }, s.dir);
    const results = await checkAgent(config, s.env, false, signal());
    expect(results).toEqual([{ name: "agent", status: "ok", detail: `codex: codex resolves to ${codex}` }]);
  });

  it("codex: no `codex` on PATH fails with a fix", async () => {
    const s = await sandbox();
    const config = buildConfig({ agent: { backend: "codex" } }, s.dir);
    const [only] = await checkAgent(config, s.env, false, signal());
    expect(only?.status).toBe("fail");
    expect(only?.detail).toContain("codex (from codex.command) is not found");
    expect(only?.fix).toContain("install codex");
  });

  it("command: the first word of command.run must resolve", async () => {
    const s = await sandbox();
    const ok = buildConfig({ agent: { backend: "command" }, command: { run: "cat -" } }, s.dir);
    expect((await checkAgent(ok, s.env, false, signal()))[0]?.status).toBe("ok");
    const missing = buildConfig(
      { agent: { backend: "command" }, command: { run: "no-such-agent --go" } },
      s.dir,
    );
    const [result] = await checkAgent(missing, s.env, false, signal());
    expect(result?.status).toBe("fail");
    expect(result?.detail).toContain("no-such-agent (from command.run) is not found");
  });

  it("--deep codex: a session handshake runs against a temp workspace and the agent is stopped; no tracker secret reaches it", async () => {
    const s = await sandbox();
    // a codex that records its pid and env, then never answers the handshake
    const record = join(s.dir, "codex-ran");
    await s.script("codex", `echo $$ > ${record}; env >> ${record}; exec sleep 300`);
    const config = buildConfig({ agent: { backend: "codex" }, codex: { read_timeout_ms: 1_000 } }, s.dir);
    const results = await checkAgent(config, s.env, true, signal());
    expect(results[0]?.status).toBe("ok");
    expect(results[1]?.name).toBe("agent session");
    expect(results[1]?.status).toBe("fail");
    expect(results[1]?.detail).toMatch(/^(response_timeout|startup_failed): /);
    const ran = await readFile(record, "utf8");
    expect(ran).not.toContain("lin_secret_never_passed");
    const pid = Number(ran.split("\n")[0]);
    await until(() => !pidAlive(pid), 5_000, "fake codex gone");
  });

  it("--deep codex: the handshake completes against a scripted app-server, then the session is stopped", async () => {
    const s = await sandbox();
    const log = join(s.dir, "fake.log");
    const peer = fileURLToPath(new URL("../../support/fake-app-server.mjs", import.meta.url));
    const config = buildConfig(
      { agent: { backend: "codex" }, codex: { command: `FAKE_LOG=${log} node ${peer} plain` } },
      s.dir,
    );
    const results = await checkAgent(config, s.env, true, signal());
    expect(results.map((r) => [r.name, r.status, r.detail])).toEqual([
      ["agent", "ok", "codex: node resolves to /usr/bin/node"],
      ["agent session", "ok", "codex session started and stopped"],
    ]);
    const received = await readFile(log, "utf8");
    expect(received).toContain('"method":"thread/start"');
    expect(received).not.toContain("lin_secret_never_passed");
  });

  it("--deep command: a session starts and stops", async () => {
    const s = await sandbox();
    const config = buildConfig({ agent: { backend: "command" }, command: { run: "cat" } }, s.dir);
    const results = await checkAgent(config, s.env, true, signal());
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ["agent", "ok"],
      ["agent session", "ok"],
    ]);
  });

  it("--deep builtin: one tiny model request succeeds; a 401 is reported as model_auth without the key", async () => {
    const s = await sandbox();
    const server = await startFakeOpenAIChatServer([
      { kind: "text", text: "OK" },
      { kind: "error", status: 401, message: "bad key" },
    ]);
    cleanups.push(() => server.close());
    const config = buildConfig(
      {
        agent: { backend: "builtin" },
        builtin: { provider: "openai-compatible", model: "m", api_key: "$KEY", base_url: server.url },
      },
      s.dir,
      { KEY: "sk-doctor-secret" },
    );
    const good = await checkAgent(config, s.env, true, signal());
    expect(good.map((r) => [r.name, r.status])).toEqual([
      ["agent", "ok"],
      ["agent model", "ok"],
    ]);
    expect(server.requests).toHaveLength(1);
    const bad = await checkAgent(config, s.env, true, signal());
    expect(bad[1]?.status).toBe("fail");
    expect(bad[1]?.detail).toMatch(/^model_auth: /);
    expect(JSON.stringify(bad)).not.toContain("sk-doctor-secret");
  });

  it("builtin without --deep checks only the (already validated) settings and sends nothing", async () => {
    const s = await sandbox();
    const server = await startFakeOpenAIChatServer([{ kind: "text", text: "OK" }]);
    cleanups.push(() => server.close());
    const config = buildConfig(
      {
        agent: { backend: "builtin" },
        builtin: { provider: "openai-compatible", model: "m", base_url: server.url },
      },
      s.dir,
    );
    expect(await checkAgent(config, s.env, false, signal())).toEqual([
      { name: "agent", status: "ok", detail: "builtin openai-compatible settings are valid" },
    ]);
    expect(server.requests).toHaveLength(0);
  });
});
