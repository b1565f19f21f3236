import { cp, mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import { makeTempDir } from "../../support/temp-dir.js";
import { TmuxSession } from "../../support/tmux.js";
import { describeNeeding, TMUX } from "../../support/tools.js";
import { pidAlive, until } from "../../support/until.js";

const needs = describeNeeding([TMUX]);

// The real CLI (`symphony` on examples/local: local tracker, command backend, demo agent) in a real
// terminal: the dashboard is read back from the tmux screen and the URL it shows is queried.

const root = fileURLToPath(new URL("../../../", import.meta.url));
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function isZombie(pid: number): Promise<boolean> {
  return readFile(`/proc/${pid}/status`, "utf8").then(
    (status) => /^State:\s+Z/m.test(status),
    () => false,
  );
}

needs.describe("symphony run with the terminal dashboard (tmux)", () => {
  it("shows running issues, the dashboard URL and the next poll; the URL serves the API; Ctrl-C ends it offline", async () => {
    const tmp = await makeTempDir("symphony-cli-tui-");
    cleanups.push(tmp.cleanup);
    const project = join(tmp.path, "project");
    await cp(join(root, "examples/local"), project, { recursive: true });
    const home = join(tmp.path, "home");
    await mkdir(home);
    const env = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: home,
      TERM: "xterm-256color",
      LANG: "C.UTF-8",
      DEMO_AGENT_SLEEP: "20",
    };
    const cli = `${root}node_modules/.bin/tsx ${root}src/cli/main.ts ${project}/WORKFLOW.md --port 0`;
    const tmux = await TmuxSession.start(cli, { width: 140, height: 40, env, cwd: project });
    cleanups.push(() => tmux.kill());

    let screen = "";
    const sees = (pattern: RegExp) => async () => {
      screen = await tmux.screen();
      return pattern.test(screen);
    };
    await until(sees(/RUNNING \(2\)/), 30_000, "two demo issues running");
    expect(screen).toContain("SYMPHONY STATUS  live");
    expect(screen).toMatch(/Agents: 2\/2/);
    expect(screen).toMatch(/Backend: command\s+Tracker: local/);
    expect(screen).toMatch(/Next poll: (in \d+s|checking now…|due now)/);
    expect(screen).toMatch(/DEMO-\d\s+(Todo|In Progress)/);
    // log lines go above the frame, never into it: one intact frame below the last log line
    const lines = screen.split("\n");
    const header = lines.findIndex((l) => l.startsWith("SYMPHONY STATUS"));
    expect(screen.split("SYMPHONY STATUS").length - 1).toBe(1);
    expect(lines[header + 1]).toMatch(/^Agents: /);
    expect(lines.slice(header).some((l) => l.includes("level="))).toBe(false);
    const url = /Dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(screen)?.[1];
    expect(url).toBeDefined();
    const state = (await (await fetch(`${url}api/v1/state`)).json()) as {
      counts: { running: number };
      running: { issue_identifier: string }[];
    };
    expect(state.counts.running).toBe(2);
    expect(screen).toContain(state.running[0]!.issue_identifier);
    // the tracker is instrumented: its reads show up in /metrics
    const metrics = await (await fetch(`${url}metrics`)).text();
    expect(metrics).toMatch(
      /symphony_tracker_request_duration_seconds_count\{operation="fetch_issues_by_states",outcome="ok"\} [1-9]/,
    );
    expect(metrics).toMatch(/symphony_dispatches_total [1-9]/);
    if (process.env.SHOW_SCREEN) process.stderr.write(`${screen}\n`);

    const pid = await tmux.panePid();
    await tmux.sendKeys("C-c");
    await until(sees(/SYMPHONY STATUS {2}offline/), 20_000, "offline frame");
    await until(() => tmux.paneDead(), 20_000, "CLI exit");
    await until(async () => !pidAlive(pid) || (await isZombie(pid)), 10_000, "no process left");
    await expect(fetch(`${url}api/v1/state`)).rejects.toThrow();
  }, 90_000);
});
