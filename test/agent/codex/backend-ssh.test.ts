import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createSshHost } from "../../../src/hosts/ssh.js";
import { openSession, tempRoot } from "../../support/codex-harness.js";
import { processesMentioning } from "../../support/processes.js";
import { startSshd, type TestSshd } from "../../support/sshd.js";
import { describeNeeding, SSHD } from "../../support/tools.js";
import { until } from "../../support/until.js";

const needs = describeNeeding([SSHD]);

// The codex backend on an SSH worker: the scripted app-server peer is spawned through the real SSH host
// against a real sshd on loopback, so the JSON-RPC session runs over ssh stdio.

const PEER = join(dirname(fileURLToPath(import.meta.url)), "../../support/fake-app-server.mjs");
const turnInput = {
  issue: { id: "issue-1" } as never,
  turn: 1,
  maxTurns: 3,
  signal: new AbortController().signal,
};
let sshd: TestSshd;

beforeAll(async () => {
  if (needs.missing !== null) return;
  sshd = await startSshd();
});
afterAll(async () => {
  if (needs.missing === null) await sshd.close();
});

needs.describe("codex backend on an SSH worker (real sshd, scripted app-server)", { timeout: 60_000 }, () => {
  it("A.1: the app-server runs over ssh stdio in the remote workspace with the remote login's HOME and CODEX_HOME; stop leaves nothing running", async () => {
    const dirs = tempRoot();
    const previous = process.env.CODEX_HOME;
    process.env.CODEX_HOME = "/operator/codex-home";
    try {
      const logFile = join(dirs.root, "peer.ndjson");
      const host = createSshHost(`127.0.0.1:${sshd.port}`, {
        sshConfigPath: sshd.configPath,
        killGraceMs: 500,
      });
      const opened = await openSession({
        codex: { command: `${process.execPath} ${PEER} plain`, approvalPolicy: "never" },
        workspace: dirs.workspace,
        env: { FAKE_LOG: logFile },
        host,
      });
      expect(opened.result.ok).toBe(true);
      if (!opened.result.ok) return;
      const session = opened.result.value;
      try {
        expect((await session.runTurn("hi", turnInput)).ok).toBe(true);
      } finally {
        await session.stop();
      }
      const first = JSON.parse(readFileSync(logFile, "utf8").split("\n")[0] ?? "{}") as {
        cwd?: string;
        env?: Record<string, string>;
      };
      expect(first.cwd).toBe(dirs.workspace);
      expect(first.env?.HOME).toBe(sshd.home);
      // the orchestrator's CODEX_HOME is a local path: it is not sent to a remote worker
      expect(first.env?.CODEX_HOME).toBeUndefined();
      expect(first.env?.FAKE_LOG).toBe(logFile);
      expect(opened.events.map((e) => e.type)).toContain("turn_completed");
      await until(async () => (await processesMentioning(dirs.root)).length === 0, 5_000, "peer gone");
      expect(existsSync(dirs.workspace)).toBe(true);
    } finally {
      if (previous === undefined) delete process.env.CODEX_HOME;
      else process.env.CODEX_HOME = previous;
      dirs.cleanup();
    }
  });
});
