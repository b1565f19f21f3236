import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type CliRun, cliApi, exitOf, startCli } from "../support/cli-process.js";
import { POSTGRES_HINT, skipWithoutPostgres, startPostgres, type TestPostgres } from "../support/postgres.js";
import { makeTempDir } from "../support/temp-dir.js";
import { pidAlive, until } from "../support/until.js";

// Several real service processes on one PostgreSQL database and one local tracker folder. Each agent
// logs start and end with the issue; one service process is killed (-9) mid-run, and its agents, which
// outlive it, must be swept before another instance starts their issues. Every issue must end Done,
// and no issue may ever have two agents at once.

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
    for (const pid of await agentPids(dir.path)) if (pidAlive(pid)) process.kill(pid, "SIGKILL");
    await dir.cleanup();
  }
  dir = null;
});

interface AgentLine {
  readonly event: "start" | "end";
  readonly issue: string;
  readonly pid: number;
  readonly parent: number;
  readonly at: number;
}

async function agentLines(root: string): Promise<AgentLine[]> {
  const text = await readFile(join(root, "agents.log"), "utf8").catch(() => "");
  return text
    .trim()
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => {
      const [event, issue, pid, parent, at] = l.split(" ");
      return {
        event: event as "start" | "end",
        issue: issue ?? "",
        pid: Number(pid),
        parent: Number(parent),
        at: Number(at),
      };
    });
}

async function agentPids(root: string): Promise<number[]> {
  return (await agentLines(root)).filter((l) => l.event === "start").map((l) => l.pid);
}

const ISSUES = ["M-1", "M-2", "M-3", "M-4", "M-5", "M-6"];

async function setup(): Promise<string> {
  dir = await makeTempDir("symphony-multi-");
  const root = dir.path;
  await mkdir(join(root, "project/issues"), { recursive: true });
  await mkdir(join(root, "home"));
  for (const id of ISSUES)
    await writeFile(join(root, `project/issues/${id}.md`), `---\ntitle: ${id}\nstate: Todo\n---\n`);
  // $$ is the agent shell; SYMPHONY_SERVICE_PID names the service process that started it
  await writeFile(
    join(root, "agent.sh"),
    `#!/bin/bash
id="$SYMPHONY_ISSUE_IDENTIFIER"
echo "start $id $$ $SYMPHONY_SERVICE_PID $(date +%s%3N)" >> "${root}/agents.log"
sleep 4
echo "end $id $$ 0 $(date +%s%3N)" >> "${root}/agents.log"
sed -i 's/^state: .*/state: Done/' "${root}/project/issues/$id.md"
`,
    { mode: 0o755 },
  );
  await writeFile(
    join(root, "project/WORKFLOW.md"),
    `---\ntracker:\n  kind: local\npolling:\n  interval_ms: 1000\nworkspace:\n  root: ${root}/ws\nagent:\n  backend: command\n  max_concurrent_agents: 2\n  max_retry_backoff_ms: 500\ncommand:\n  run: 'exec bash ${root}/agent.sh'\nserver:\n  port: 0\nstore:\n  kind: postgres\n  url: $SYMPHONY_TEST_DB\n---\nwork\n`,
  );
  return root;
}

/** Rejects when `p` has not settled within `ms`. */
async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function running(pid: number): Promise<boolean> {
  if (!pidAlive(pid)) return false;
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  return stat !== "" && stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
}

/** The lease lines of every service's log, for a failure message. */
function leaseEvents(all: readonly CliRun[]): string {
  return all
    .flatMap((r) =>
      r
        .output()
        .split("\n")
        .filter((l) => /lease|dispatch|interrupted/i.test(l))
        .map((l) => `[${r.proc.pid}] ${l}`),
    )
    .join("\n");
}

describe.each([2, 3])(
  `%i service processes on one PostgreSQL (skipped without it: ${POSTGRES_HINT})`,
  (count) => {
    it.skipIf(skipPg)(
      "kill -9 one mid-run: every issue finishes and no issue ever has two agents at once",
      async () => {
        const root = await setup();
        const db = await (pg as TestPostgres).newDatabase();
        for (let i = 0; i < count; i += 1) {
          runs.push(
            startCli(join(root, "project/WORKFLOW.md"), root, join(root, "home"), { SYMPHONY_TEST_DB: db }),
          );
        }
        // wait until some agent runs, then kill (-9) the service process that started it
        let victim: CliRun | null = null;
        await until(
          async () => {
            for (const line of (await agentLines(root)).filter((l) => l.event === "start")) {
              if (!(await running(line.pid))) continue;
              victim = runs.find((r) => r.proc.pid === line.parent) ?? null;
              if (victim !== null) return true;
            }
            return false;
          },
          60_000,
          "an agent running",
        );
        const killed = victim as unknown as CliRun;
        const victimPid = killed.proc.pid as number;
        const killedAt = Date.now();
        // only the service dies: its agents outlive a SIGKILL and must be swept before a takeover
        killed.proc.kill("SIGKILL");
        await exitOf(killed.proc);
        const survivors = runs.filter((r) => r !== killed);

        // the victim's agents (one it started just before the kill may log its start only now) until
        // they are gone: seeing one still running while its issue started again is a double run
        const theirs = new Map<number, string>();
        const gone = new Set<number>();
        const overlaps: string[] = [];
        let finished = false;
        const watcher = (async () => {
          while (!finished || gone.size < theirs.size) {
            const starts = (await agentLines(root)).filter((l) => l.event === "start");
            for (const l of starts) if (l.parent === victimPid) theirs.set(l.pid, l.issue);
            for (const [pid, issue] of theirs) {
              if (gone.has(pid)) continue;
              const again = starts.find((l) => l.issue === issue && l.pid !== pid && l.at > killedAt);
              if (!(await running(pid))) gone.add(pid);
              else if (again !== undefined)
                overlaps.push(`${issue}: ${again.pid} started, ${pid} still runs`);
            }
            await new Promise((r) => setTimeout(r, 5));
          }
        })();

        const allDone = async () => {
          for (const id of ISSUES) {
            const text = await readFile(join(root, `project/issues/${id}.md`), "utf8");
            if (!text.includes("state: Done")) return false;
          }
          return true;
        };
        await until(allDone, 90_000, "every issue Done");
        finished = true;
        await withTimeout(watcher, 30_000, "the killed service's agents gone");
        const events = leaseEvents(runs);
        expect(overlaps, events).toEqual([]);

        // intervals per issue (an agent of the killed service, which never wrote its end, is left out:
        // the watcher above checked it)
        const lines = await agentLines(root);
        for (const id of ISSUES) {
          const starts = lines.filter((l) => l.event === "start" && l.issue === id);
          const intervals = starts.map((s) => {
            const end = lines.find((l) => l.event === "end" && l.pid === s.pid);
            return [s.at, end?.at ?? (theirs.has(s.pid) ? 0 : Number.POSITIVE_INFINITY), s.pid] as const;
          });
          intervals.sort((a, b) => a[0] - b[0]);
          for (let i = 1; i < intervals.length; i += 1) {
            expect(
              intervals[i]?.[0],
              `${id} started again while its agent still ran (killed at ${killedAt}; victim agents ${[...theirs.keys()].join(",")}; runs ${JSON.stringify(intervals)})\n${events}`,
            ).toBeGreaterThanOrEqual(intervals[i - 1]?.[1] ?? 0);
          }
          // ran to completion exactly once
          expect(
            lines.filter((l) => l.event === "end" && l.issue === id),
            id,
          ).toHaveLength(1);
        }
        expect(theirs.size).toBeGreaterThan(0);
        // the survivors took the interrupted issues over and show their leases' holders
        const state = (
          await cliApi<{ recent_runs: Array<{ outcome: string }>; store: { shared: boolean } }>(
            survivors[0] as CliRun,
            "/api/v1/state",
          )
        ).body;
        expect(state.store.shared).toBe(true);
        for (const r of survivors) {
          r.proc.kill("SIGTERM");
          expect(await exitOf(r.proc)).toBe(0);
        }
      },
      180_000,
    );
  },
);
