import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { withFileLock } from "../../../src/tracker/local/file-lock.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { until } from "../../support/until.js";

const repo = resolve(import.meta.dirname, "../../..");
const loader = pathToFileURL(join(repo, "node_modules/tsx/dist/loader.mjs")).href;
const src = (path: string) => pathToFileURL(join(repo, "src", path)).href;

let dir: { path: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  dir = await makeTempDir("symphony-local-lock-");
});
afterEach(async () => {
  await dir.cleanup();
});

// Runs an ES module in its own node process (with tsx, so it can import src/*.ts); resolves its exit code.
function runNode(script: string): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ["--import", loader, "--input-type=module", "-e", script], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir.path },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (b: Buffer) => (output += b.toString()));
    child.stderr.on("data", (b: Buffer) => (output += b.toString()));
    child.on("exit", (code) => done({ code, output }));
  });
}

describe("local tracker: concurrent writers in separate processes", () => {
  it("the service's update_issue tool and `symphony issue comment` writing 150 comments each keep all 300", async () => {
    const project = join(dir.path, "project");
    await mkdir(join(project, "issues"), { recursive: true });
    const workflow = join(project, "WORKFLOW.md");
    await writeFile(workflow, "---\ntracker:\n  kind: local\n---\nwork\n");
    const file = join(project, "issues", "RACE-1.md");
    await writeFile(file, "---\ntitle: contended\nstate: Todo\n---\n");
    const ready = join(dir.path, "go");

    // both wait for the same start signal so their writes really overlap
    const waitForGo = (name: string) =>
      `await (await import("node:fs/promises")).writeFile(${JSON.stringify(join(dir.path, "ready-"))} + ${JSON.stringify(name)}, ""); while (!(await import("node:fs")).existsSync(${JSON.stringify(ready)})) await new Promise((r) => setTimeout(r, 5));`;
    const service = runNode(`
      const { LocalIssueStore } = await import(${JSON.stringify(src("tracker/local/store.ts"))});
      const { executeUpdateIssue } = await import(${JSON.stringify(src("tracker/local/tools.ts"))});
      const store = new LocalIssueStore(${JSON.stringify(join(project, "issues"))});
      ${waitForGo("service")}
      for (let i = 0; i < 150; i++) {
        const r = await executeUpdateIssue(store, { comment: "agent-" + i }, { issue: { identifier: "RACE-1" }, signal: AbortSignal.timeout(60000) });
        if (!r.success) { console.error(JSON.stringify(r.output)); process.exit(1); }
      }
    `);
    const person = runNode(`
      const { runCli } = await import(${JSON.stringify(src("cli/program.ts"))});
      const io = { stdout: { write() {}, isTTY: false }, stderr: process.stderr };
      ${waitForGo("person")}
      for (let i = 0; i < 150; i++) {
        const code = await runCli(["issue", "comment", "RACE-1", "person-" + i, "--workflow", ${JSON.stringify(workflow)}], io);
        if (code !== 0) process.exit(code);
      }
    `);
    await until(
      () => existsSync(join(dir.path, "ready-service")) && existsSync(join(dir.path, "ready-person")),
      60_000,
      "both writers loaded",
    );
    await writeFile(ready, "");
    const [a, b] = await Promise.all([service, person]);
    expect(a, a.output).toMatchObject({ code: 0 });
    expect(b, b.output).toMatchObject({ code: 0 });
    const text = await readFile(file, "utf8");
    const kept = text.match(/^## Comment \(/gm) ?? [];
    expect(kept).toHaveLength(300);
    for (let i = 0; i < 150; i++) {
      expect(text).toContain(`\nagent-${i}\n`);
      expect(text).toContain(`\nperson-${i}\n`);
    }
    expect(text.startsWith("---\ntitle: contended\nstate: Todo\n---")).toBe(true);
  }, 120_000);
});

describe("file lock", () => {
  it("a lock left by a dead process is broken; a live one makes the waiter time out", async () => {
    const lock = join(dir.path, ".X.md.lock");
    // a pid that cannot exist (above pid_max) stands for a crashed writer
    await writeFile(lock, "4194305\n");
    const taken = await withFileLock(lock, async () => "ran");
    expect(taken).toEqual({ ok: true, value: "ran" });
    await writeFile(lock, `${process.pid}\n`);
    const waited = await withFileLock(lock, async () => "ran", { timeoutMs: 100 });
    expect(waited).toMatchObject({ ok: false, error: { kind: "lock_timeout" } });
  });
});
