import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { checkSshHosts } from "../../../src/cli/doctor/ssh-check.js";
import { startSilentServer, startSshd, type TestSshd } from "../../support/sshd.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { describeNeeding, SSHD } from "../../support/tools.js";

const needs = describeNeeding([SSHD]);

let sshd: TestSshd;
beforeAll(async () => {
  if (needs.missing !== null) return;
  sshd = await startSshd();
});
afterAll(async () => {
  if (needs.missing === null) await sshd.close();
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function env(): Promise<Record<string, string>> {
  const dir = await makeTempDir("symphony-doctor-ssh-");
  cleanups.push(dir.cleanup);
  await mkdir(join(dir.path, "home"));
  return { PATH: "/usr/bin:/bin", HOME: join(dir.path, "home") };
}

needs.describe("doctor: worker.ssh_hosts answer `true`", () => {
  it("a reachable host is ok; an unknown one fails as unreachable; both are checked", async () => {
    const results = await checkSshHosts(
      ["sshd-test", "nobody@127.0.0.1:1"],
      await env(),
      AbortSignal.timeout(20_000),
      {
        sshConfigPath: sshd.configPath,
        connectTimeoutMs: 5_000,
      },
    );
    expect(results[0]).toEqual({ name: "ssh sshd-test", status: "ok", detail: "answered `true`" });
    expect(results[1]?.name).toBe("ssh nobody@127.0.0.1:1");
    expect(results[1]?.status).toBe("fail");
    expect(results[1]?.detail).toMatch(/^unreachable: /);
    expect(results[1]?.fix).toContain("ssh nobody@127.0.0.1:1 true");
  });

  it("a host that accepts TCP but never speaks SSH fails within the connect timeout", async () => {
    const silent = await startSilentServer();
    cleanups.push(silent.close);
    const started = Date.now();
    const [result] = await checkSshHosts(
      [`127.0.0.1:${silent.port}`],
      await env(),
      AbortSignal.timeout(20_000),
      {
        sshConfigPath: sshd.configPath,
        connectTimeoutMs: 1_000,
      },
    );
    expect(result?.status).toBe("fail");
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("an invalid destination fails with a fix", async () => {
    const [result] = await checkSshHosts(["-oProxyCommand=evil"], await env(), AbortSignal.timeout(5_000));
    expect(result?.status).toBe("fail");
    expect(result?.fix).toBe("fix the destination in worker.ssh_hosts");
  });
});
