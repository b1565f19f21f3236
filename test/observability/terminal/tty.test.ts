import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import { makeTempDir } from "../../support/temp-dir.js";
import { TmuxSession } from "../../support/tmux.js";
import { describeNeeding, TMUX } from "../../support/tools.js";
import { pidAlive, until } from "../../support/until.js";

const needs = describeNeeding([TMUX]);

// The real terminal dashboard under a real pseudo-terminal (tmux), read back from the screen.

function isZombie(pid: number): boolean {
  try {
    return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return false;
  }
}

const root = fileURLToPath(new URL("../../../", import.meta.url));
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

needs.describe("terminal dashboard in a real terminal (tmux)", () => {
  it("draws in place, updates on a state change, follows a resize and ends with an offline frame", async () => {
    const home = await makeTempDir("symphony-tmux-home-");
    cleanups.push(home.cleanup);
    const env = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: home.path,
      TERM: "xterm-256color",
      LANG: "C.UTF-8",
    };
    const tmux = await TmuxSession.start(`${root}node_modules/.bin/tsx test/support/fixtures/tui-demo.ts`, {
      width: 120,
      height: 30,
      env,
      cwd: root,
    });
    cleanups.push(() => tmux.kill());
    let screen = "";
    const sees = (text: string) => async () => {
      screen = await tmux.screen();
      return screen.includes(text);
    };
    await until(sees("TUI-1"), 15_000, "first frame");
    expect(screen).toContain("SYMPHONY STATUS  live");
    expect(screen).toContain("Dashboard: http://127.0.0.1:4321/");
    // drawn once, in place: the header appears exactly once on screen
    expect(screen.split("SYMPHONY STATUS").length - 1).toBe(1);

    await tmux.sendKeys("aTUI-2", "Enter");
    await until(sees("TUI-2"), 5_000, "update after a state change");
    expect(screen).toMatch(/Agents: 2\/10/);
    expect(screen.split("SYMPHONY STATUS").length - 1).toBe(1);

    await tmux.resize(70, 30);
    await until(
      async () => {
        screen = await tmux.screen();
        // the redrawn frame cuts the EVENT column to the new width
        return screen.includes("editing src/in…") && screen.split("\n").every((l) => l.length <= 70);
      },
      10_000,
      "redraw at the new width",
    );
    expect(screen.split("SYMPHONY STATUS").length - 1).toBe(1);

    const pid = await tmux.panePid();
    await tmux.sendKeys("q", "Enter");
    await until(sees("offline"), 10_000, "offline frame");
    await until(() => tmux.paneDead(), 10_000, "process exit");
    // exited: gone, or a zombie waiting for the tmux server to reap it
    await until(() => !pidAlive(pid) || isZombie(pid), 10_000, "no process left");
  });
});
