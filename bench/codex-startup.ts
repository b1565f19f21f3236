/**
 * bench/codex-startup: time from spawn to a ready thread (`initialize` → `initialized` → `thread/start` →
 * `thread/name/set` answered) through the codex backend and the local host, median of 10, for the pinned
 * native binary and for the npm `codex` wrapper. Each run has a fresh workspace; no model call is made.
 * Last line: `codex-startup: <median ms>` for the native binary.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createCodexBackend } from "../src/agent/codex/index.js";
import type { ServiceConfig } from "../src/config/types.js";
import { silentLogger } from "../src/domain/logger.js";
import { createLocalHost } from "../src/hosts/local.js";
import { CODEX_BINARY, createTestCodexHome, OFFLINE_FLAGS } from "../test/support/codex-home.js";
import { startFakeModelServer } from "../test/support/fake-model-server.js";

const RUNS = 10;
const model = await startFakeModelServer(() => ({ kind: "text", text: "unused" }));
const home = createTestCodexHome(model.baseUrl);
const root = mkdtempSync(join(tmpdir(), "symphony-bench-startup-"));
const host = createLocalHost();

async function once(command: string, i: number): Promise<number> {
  const workspace = join(root, `ws-${i}`);
  mkdirSync(workspace);
  const config = {
    codex: {
      command,
      approvalPolicy: "never",
      threadSandbox: "workspace-write",
      turnSandboxPolicy: null,
      turnTimeoutMs: 60_000,
      readTimeoutMs: 10_000,
      stallTimeoutMs: 0,
      home: "inherit",
    },
  } as unknown as ServiceConfig;
  const backend = createCodexBackend(config, { logger: silentLogger });
  const t0 = performance.now();
  const started = await backend.startSession({
    host,
    workspacePath: workspace,
    issue: { id: "i", identifier: "SYM-1", title: "bench" } as never,
    tools: { specs: [], execute: async () => ({ success: false, output: null }) },
    env: { PATH: process.env.PATH ?? "", HOME: root, CODEX_HOME: home.path },
    onEvent: () => {},
    signal: new AbortController().signal,
    logger: silentLogger,
  });
  const ms = performance.now() - t0;
  if (!started.ok) throw new Error(started.error.message);
  await started.value.stop();
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const series: Record<string, number[]> = { native: [], wrapper: [] };
const commands = {
  native: `${CODEX_BINARY} ${OFFLINE_FLAGS} app-server`,
  wrapper: `${resolve("node_modules/.bin/codex")} ${OFFLINE_FLAGS} app-server`,
};
try {
  await once(commands.native, -1); // warm the page cache
  for (let i = 0; i < RUNS; i++) {
    series.native?.push(await once(commands.native, i));
    series.wrapper?.push(await once(commands.wrapper, RUNS + i));
  }
} finally {
  rmSync(root, { recursive: true, force: true });
  home.cleanup();
  await model.close();
}
const nativeMs = median(series.native ?? []);
const wrapperMs = median(series.wrapper ?? []);
console.log(`runs: ${RUNS} each; spawn → ready thread`);
console.log(
  `native binary: median ${nativeMs.toFixed(0)} ms (min ${Math.min(...(series.native ?? [])).toFixed(0)})`,
);
console.log(`npm wrapper (node_modules/.bin/codex): median ${wrapperMs.toFixed(0)} ms`);
console.log(`codex-startup: ${nativeMs.toFixed(0)} ms`);
