import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import { captureIo } from "../support/cli-io.js";
import { freePort } from "../support/sshd.js";
import { makeTempDir } from "../support/temp-dir.js";
import { until } from "../support/until.js";

let dir: { path: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  dir = await makeTempDir("symphony-issue-api-");
});
afterEach(async () => dir.cleanup());

const handOff = `cat >/dev/null; printf 'SYMPHONY_TOOL: {"name":"update_issue","arguments":{"state":"Human Review"}}\\n'`;

describe("the issue endpoint of a running service (local tracker, command backend)", () => {
  it("a finished issue answers 'finished' with its last run; an issue no run touched names <root>/<key>", async () => {
    mkdirSync(join(dir.path, "issues"));
    writeFileSync(join(dir.path, "issues", "T-1.md"), "---\ntitle: first\nstate: Todo\n---\nbody\n");
    // blocked by T-1, which stays in Human Review: skipped on every tick, never run
    writeFileSync(
      join(dir.path, "issues", "T-2.md"),
      "---\ntitle: second\nstate: Todo\nblocked_by: [T-1]\n---\nbody\n",
    );
    const path = join(dir.path, "WORKFLOW.md");
    writeFileSync(
      path,
      [
        "---",
        "tracker:",
        "  kind: local",
        "polling:",
        "  interval_ms: 200",
        "workspace:",
        "  root: ./ws",
        "agent:",
        "  backend: command",
        "command:",
        `  run: ${JSON.stringify(handOff)}`,
        "---",
        "Do it.",
        "",
      ].join("\n"),
    );
    const port = await freePort();
    const io = captureIo(dir.path, { HOME: dir.path, PATH: process.env.PATH ?? "" });
    const shutdown = new AbortController();
    const code = runCli([path, "--no-tui", "--port", String(port)], io, { shutdown: shutdown.signal });
    try {
      const base = `http://127.0.0.1:${port}/api/v1`;
      let body: Record<string, unknown> = {};
      await until(
        async () => {
          const res = await fetch(`${base}/T-1`).catch(() => null);
          if (res === null || res.status !== 200) return false;
          body = (await res.json()) as Record<string, unknown>;
          return body.status === "finished";
        },
        15_000,
        "T-1 finished",
      ).catch((e: unknown) => {
        throw new Error(`${String(e)}: ${JSON.stringify(body)}\n${io.err()}`);
      });
      expect(body).toMatchObject({
        issue_identifier: "T-1",
        status: "finished",
        finished: { outcome: "completed", state: "Todo" },
        workspace: { path: join(dir.path, "ws", "T-1"), host: "local" },
        issue_title: "first",
      });
      const skipped = (await (await fetch(`${base}/T-2`)).json()) as Record<string, unknown>;
      expect(skipped).toMatchObject({ status: "skipped", workspace: { path: join(dir.path, "ws", "T-2") } });
      const state = (await (await fetch(`${base}/state`)).json()) as {
        finished: { issue_identifier: string }[];
      };
      expect(state.finished.map((f) => f.issue_identifier)).toContain("T-1");
    } finally {
      shutdown.abort();
    }
    expect(await code).toBe(0);
  });
});
