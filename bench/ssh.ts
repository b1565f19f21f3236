/**
 * SSH host overhead: `runScript("true")` through the SSH host (wrapper, env preamble, marker, group
 * cleanup) against a bare `ssh -T <dest> true` on the same loopback sshd, measured in the same run.
 * Also the local host as a floor and one stdio round-trip on a spawned remote child.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createLocalHost } from "../src/hosts/local.js";
import { createSshHost } from "../src/hosts/ssh.js";
import { startSshd } from "../test/support/sshd.js";

const run = promisify(execFile);
const ROUNDS = 30;
const env = { PATH: "/usr/bin:/bin", HOME: "/tmp" };

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function time(fn: () => Promise<unknown>): Promise<number[]> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return samples;
}

const sshd = await startSshd();
try {
  const ssh = createSshHost("sshd-test", { sshConfigPath: sshd.configPath });
  const local = createLocalHost();
  const bareTrue = () => run("ssh", ["-F", sshd.configPath, "-T", "sshd-test", "true"]);
  const hostTrue = async () => {
    const result = await ssh.runScript("true", { cwd: "/", env, timeoutMs: 30_000 });
    if (result.exitCode !== 0) throw new Error(`remote true failed: ${result.output}`);
  };
  // interleaved (order alternating per round), so load from other processes hits both sides alike
  await bareTrue();
  await hostTrue();
  const bare: number[] = [];
  const viaHost: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    for (const [fn, samples] of i % 2 === 0
      ? ([
          [bareTrue, bare],
          [hostTrue, viaHost],
        ] as const)
      : ([
          [hostTrue, viaHost],
          [bareTrue, bare],
        ] as const)) {
      const start = performance.now();
      await fn();
      samples.push(performance.now() - start);
    }
  }
  const viaLocal = await time(() => local.runScript("true", { cwd: "/", env, timeoutMs: 30_000 }));

  const child = ssh.spawn("cat", { cwd: "/", env });
  let received = 0;
  let waiter: (() => void) | null = null;
  child.stdout.on("data", (chunk: Buffer) => {
    received += chunk.length;
    waiter?.();
  });
  const roundTrip = await time(async () => {
    const target = received + 6;
    child.stdin.write("hello\n");
    while (received < target) await new Promise<void>((resolve) => (waiter = resolve));
  });
  if (received !== (ROUNDS + 1) * 6) throw new Error(`echoed ${received} bytes`);
  await child.kill();

  const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
  console.log(`bare ssh -T true, p50:          ${fmt(percentile(bare, 50))}`);
  console.log(`ssh host runScript(true), p50:  ${fmt(percentile(viaHost, 50))}`);
  console.log(`ssh host runScript(true), p90:  ${fmt(percentile(viaHost, 90))}`);
  console.log(`local host runScript(true), p50: ${fmt(percentile(viaLocal, 50))}`);
  console.log(`spawned remote cat round-trip, p50: ${fmt(percentile(roundTrip, 50))}`);
  console.log(`ssh: ${(percentile(viaHost, 50) / percentile(bare, 50)).toFixed(2)}x bare ssh`);
} finally {
  await sshd.close();
}
