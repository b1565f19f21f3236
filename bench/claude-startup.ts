/**
 * bench/claude-startup: time from spawn to a ready Claude Code session (the CLI answered `initialize` on its
 * control channel) through the claude backend and the local host, median of 10, for `home: isolated` (a
 * fresh CLAUDE_CONFIG_DIR is made first) and `home: inherit`, interleaved. The pinned CLI from
 * node_modules, pointed at a loopback fake Anthropic API; no model call is made. Each run has a fresh
 * workspace. Last line: `claude-startup: <median ms>` for `isolated` (the default).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClaudeBackend } from "../src/agent/claude/index.js";
import { defaultClaudeConfig } from "../src/agent/claude/settings.js";
import { silentLogger } from "../src/domain/logger.js";
import { createLocalHost } from "../src/hosts/local.js";
import { claudeTestEnv } from "../test/support/claude-harness.js";
import { startFakeAnthropicServer } from "../test/support/fake-anthropic-server.js";
import { CLAUDE } from "../test/support/tools.js";

const RUNS = 10;
const model = await startFakeAnthropicServer(() => ({ kind: "text", text: "unused" }));
const root = mkdtempSync(join(tmpdir(), "symphony-bench-claude-"));
const home = join(root, "home");
mkdirSync(home);
const host = createLocalHost();

async function once(mode: "isolated" | "inherit", i: number): Promise<number> {
  const workspace = join(root, `ws-${mode}-${i}`);
  mkdirSync(workspace);
  const backend = createClaudeBackend(
    { ...defaultClaudeConfig(), command: CLAUDE.path, home: mode },
    { logger: silentLogger },
  );
  const t0 = performance.now();
  const started = await backend.startSession({
    host,
    workspacePath: workspace,
    issue: { id: "i", identifier: "SYM-1", title: "bench" } as never,
    tools: { specs: [], execute: async () => ({ success: false, output: null }) },
    env: claudeTestEnv(model, home),
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
const series: Record<"isolated" | "inherit", number[]> = { isolated: [], inherit: [] };
await once("inherit", -1); // warm-up (first start of the binary pays the page cache)
for (let i = 0; i < RUNS; i++) {
  series.isolated.push(await once("isolated", i));
  series.inherit.push(await once("inherit", i));
}
await model.close();
rmSync(root, { recursive: true, force: true });
for (const [mode, xs] of Object.entries(series)) {
  console.log(
    `${mode}: median ${median(xs).toFixed(0)} ms, min ${Math.min(...xs).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms`,
  );
}
console.log(`claude-startup: ${median(series.isolated).toFixed(0)} ms`);
