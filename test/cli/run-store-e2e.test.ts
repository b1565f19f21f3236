import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type CliRun, cliApi, exitOf, readPids, startCli } from "../support/cli-process.js";
import { POSTGRES_HINT, skipWithoutPostgres, startPostgres, type TestPostgres } from "../support/postgres.js";
import { makeTempDir } from "../support/temp-dir.js";
import { pidAlive, until } from "../support/until.js";

// The real CLI on the local tracker with the command backend and a real store (an embedded file,
// or a real PostgreSQL server): kill -9 mid-run, start again, and what ran before is still known.

// biome-ignore lint/suspicious/noExplicitAny: API bodies are read loosely in assertions
type Json = any;

const skipPg = skipWithoutPostgres();
let pg: TestPostgres | null = null;
let dir: { path: string; cleanup: () => Promise<void> } | null = null;
const runs: CliRun[] = [];

beforeAll(async () => {
  if (!skipPg) pg = await startPostgres();
}, 60_000);
afterAll(async () => {
  await pg?.close();
});
afterEach(async () => {
  for (const r of runs.splice(0)) if (r.proc.exitCode === null) r.proc.kill("SIGKILL");
  if (dir !== null) {
    for (const pid of await readPids(join(dir.path, "pids"))) if (pidAlive(pid)) process.kill(pid, "SIGKILL");
    await dir.cleanup();
  }
  dir = null;
});

/** The agent: D-* finish, F-* fail until released, Q-* ask a question, H-* hang until released. */
function agentScript(root: string): string {
  return `#!/bin/bash
id="$SYMPHONY_ISSUE_IDENTIFIER"
issue="${root}/project/issues/$id.md"
finish() { sed -i 's/^state: .*/state: Done/' "$issue"; }
echo "$id $(date +%s%3N)" >> "${root}/starts"
case "$id" in
  D-*) finish ;;
  F-*) if [ -f "${root}/release" ]; then finish; else exit 3; fi ;;
  Q-*) echo "SYMPHONY_INPUT_REQUIRED: which database should I use?" ;;
  H-*) if [ -f "${root}/release" ]; then
         if [ -f marker ]; then echo "$PWD" > "${root}/reused"; fi
         finish
       else
         touch marker; echo $$ >> "${root}/pids"; sleep 300 & echo $! >> "${root}/pids"; wait
       fi ;;
esac
`;
}

async function setup(storeYaml: string): Promise<string> {
  dir = await makeTempDir("symphony-store-e2e-");
  const root = dir.path;
  await mkdir(join(root, "project/issues"), { recursive: true });
  await mkdir(join(root, "home"));
  for (const id of ["D-1", "F-1", "Q-1", "H-1"]) {
    await writeFile(join(root, `project/issues/${id}.md`), `---\ntitle: ${id}\nstate: Todo\n---\n`);
  }
  await writeFile(join(root, "agent.sh"), agentScript(root), { mode: 0o755 });
  await writeFile(
    join(root, "project/WORKFLOW.md"),
    `---\ntracker:\n  kind: local\npolling:\n  interval_ms: 1000\nworkspace:\n  root: ${root}/ws\nagent:\n  backend: command\n  max_concurrent_agents: 4\ncommand:\n  run: 'bash ${root}/agent.sh'\nserver:\n  port: 0\n${storeYaml}---\nwork\n`,
  );
  return root;
}

function start(root: string, env: Record<string, string> = {}): CliRun {
  const run = startCli(join(root, "project/WORKFLOW.md"), root, join(root, "home"), env, [
    "--logs-root",
    join(root, "logs"),
  ]);
  runs.push(run);
  return run;
}

const api = (run: CliRun, path: string) => cliApi<Json>(run, path);

const stores: Array<[string, () => Promise<{ yaml: string; env: Record<string, string> }>, boolean]> = [
  ["embedded", async () => ({ yaml: "", env: {} }), false],
  [
    `postgres (skipped without it: ${POSTGRES_HINT})`,
    async () => ({
      yaml: "store:\n  kind: postgres\n  url: $SYMPHONY_TEST_DB\n",
      env: { SYMPHONY_TEST_DB: await (pg as TestPostgres).newDatabase() },
    }),
    skipPg,
  ],
];

describe.each(stores)("restart after kill -9 with the %s store", (_name, storeOf, skip) => {
  it.skipIf(skip)(
    "finished issues keep their history, backoff keeps its due time, blocked keeps its question, the interrupted run is retried in its workspace",
    async () => {
      const store = await storeOf();
      const root = await setup(store.yaml);
      const first = start(root, store.env);
      await until(async () => (await readPids(join(root, "pids"))).length >= 2, 30_000, "H-1 hanging");
      let before: Json = {};
      await until(
        async () => {
          before = (await api(first, "/api/v1/state")).body;
          const retrying = (before.retrying as Array<{ issue_identifier: string }>).map(
            (r) => r.issue_identifier,
          );
          const blocked = (before.blocked as Array<{ issue_identifier: string }>).map(
            (r) => r.issue_identifier,
          );
          const recorded = (before.recent_runs as Array<{ issue_identifier: string; outcome: string }>).some(
            (r) => r.issue_identifier === "D-1" && r.outcome === "completed",
          );
          return (
            retrying.includes("F-1") &&
            blocked.includes("Q-1") &&
            recorded &&
            before.store.pending_writes === 0
          );
        },
        // generous: on a loaded 2-core machine the first backoff, the question and the flush take a while
        60_000,
        "F-1 in backoff, Q-1 blocked, D-1 recorded",
      ).catch((e: unknown) => {
        const seen = {
          retrying: before.retrying,
          blocked: before.blocked,
          store: before.store,
          runs: before.recent_runs,
        };
        throw new Error(`${String(e)}; last state: ${JSON.stringify(seen).slice(0, 3000)}`);
      });
      expect(before.store).toMatchObject({ ok: true, kind: store.yaml === "" ? "embedded" : "postgres" });
      const dueBefore = (before.retrying as Array<{ issue_identifier: string; due_at: string }>).find(
        (r) => r.issue_identifier === "F-1",
      )?.due_at;
      // give the batched writer one more flush after the last state change, then crash
      await new Promise((r) => setTimeout(r, 500));
      first.proc.kill("SIGKILL");
      await exitOf(first.proc);
      for (const pid of await readPids(join(root, "pids"))) if (pidAlive(pid)) process.kill(pid, "SIGKILL");
      await writeFile(join(root, "release"), "");

      const second = start(root, store.env);
      const done = await api(second, "/api/v1/D-1");
      expect(done.status).toBe(200);
      expect(done.body.status).toBe("finished");
      expect(done.body.run_history[0]).toMatchObject({ outcome: "completed", issue_identifier: "D-1" });
      expect(done.body.run_history[0].events_path).toMatch(/D-1\/.*\.events\.jsonl$/);
      const after = (await api(second, "/api/v1/state")).body;
      expect(after.token_usage.recorded_attempts).toBeGreaterThanOrEqual(4);
      const retrying = after.retrying as Array<{ issue_identifier: string; due_at: string; attempt: number }>;
      expect(retrying.find((r) => r.issue_identifier === "H-1")?.attempt).toBe(1);
      // F-1 still waits for its recorded due time, or (after a slow restart) ran again only after it
      const f1 = retrying.find((r) => r.issue_identifier === "F-1");
      if (f1 !== undefined) expect([f1.due_at, f1.attempt]).toEqual([dueBefore, 1]);
      expect(after.blocked).toEqual([
        expect.objectContaining({ issue_identifier: "Q-1", question: "which database should I use?" }),
      ]);
      expect(second.output()).toContain('msg="interrupted run will be retried" issue_id=H-1');
      // H-1 comes back after its backoff, in the same workspace, and finishes; so does F-1
      await until(() => existsSync(join(root, "reused")), 40_000, "H-1 retried in its workspace");
      expect((await readFile(join(root, "reused"), "utf8")).trim()).toBe(join(root, "ws/H-1"));
      const h1 = (await api(second, "/api/v1/H-1")).body.run_history as Array<{
        outcome: string;
        attempt: number;
      }>;
      expect(h1.map((r) => r.outcome)).toContain("interrupted");
      const lines = (await readFile(join(root, "starts"), "utf8")).trim().split("\n");
      const starts = lines.map((l) => l.split(" ")[0]);
      // due times are printed to the second; a retry of F-1 never starts before its recorded one
      const f1Starts = lines.filter((l) => l.startsWith("F-1 ")).map((l) => Number(l.split(" ")[1]));
      for (const at of f1Starts.slice(1))
        expect(at).toBeGreaterThanOrEqual(Date.parse(dueBefore ?? "") - 1_000);
      expect(starts.filter((s) => s === "D-1")).toHaveLength(1);
      expect(starts.filter((s) => s === "Q-1")).toHaveLength(1);
      second.proc.kill("SIGTERM");
      expect(await exitOf(second.proc)).toBe(0);
    },
    180_000,
  );
});
