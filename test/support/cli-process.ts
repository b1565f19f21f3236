import { type ChildProcess, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { expect } from "vitest";
import { until } from "./until.js";

const repo = resolve(import.meta.dirname, "../..");

/** The real CLI (`node --import tsx src/cli/main.ts <workflow>`) with a minimal env; output collected. */
export interface CliRun {
  readonly proc: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far, interleaved. */
  output(): string;
  /** Resolves with the exit code. */
  exited(): Promise<number | null>;
}

/** Starts the CLI in `cwd` with only PATH, HOME and `env`; `args` follow the workflow path. */
export function startCli(
  workflow: string,
  cwd: string,
  home: string,
  env: Record<string, string> = {},
  args: readonly string[] = [],
): CliRun {
  return startCliArgs([workflow, ...args], cwd, home, env);
}

/** Starts the CLI with any arguments (`rescue list`, `issue add …`) in `cwd` with only PATH, HOME and `env`. */
export function startCliArgs(
  args: readonly string[],
  cwd: string,
  home: string,
  env: Record<string, string> = {},
): CliRun {
  const loader = pathToFileURL(join(repo, "node_modules/tsx/dist/loader.mjs")).href;
  const proc = spawn(process.execPath, ["--import", loader, join(repo, "src/cli/main.ts"), ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (b: Buffer) => {
    output += b.toString();
  };
  proc.stdout?.on("data", collect);
  proc.stderr?.on("data", collect);
  return { proc, output: () => output, exited: () => exitOf(proc) };
}

/** Resolves with the process's exit code (at once if it has already exited). */
export function exitOf(proc: ChildProcess): Promise<number | null> {
  if (proc.exitCode !== null) return Promise.resolve(proc.exitCode);
  return new Promise((r) => proc.once("exit", (code) => r(code)));
}

/** Sends SIGTERM, waits for the exit, asserts it came within `ms`, and returns the exit code. */
export async function sigtermWithin(proc: ChildProcess, ms: number): Promise<number | null> {
  const started = Date.now();
  proc.kill("SIGTERM");
  const code = await exitOf(proc);
  expect(Date.now() - started).toBeLessThan(ms);
  return code;
}

/** The whitespace-separated pids an agent script appended to `file` (none if it does not exist yet). */
export async function readPids(file: string): Promise<number[]> {
  return (await readFile(file, "utf8").catch(() => ""))
    .split(/\s+/)
    .filter((s) => s !== "")
    .map(Number);
}

/** The one CLI run a test starts: its output for assertions, and a SIGKILL for `afterEach` cleanup. */
export class TestCli {
  private run: CliRun | null = null;

  /** Starts the CLI in `dir` with HOME `<dir>/home` (see `startCli`) and remembers it for `output()` and `kill()`. */
  start(
    workflow: string,
    dir: string,
    env: Record<string, string> = {},
    args: readonly string[] = [],
  ): CliRun {
    this.run = startCli(workflow, dir, join(dir, "home"), env, args);
    return this.run;
  }

  /** The current run's output ("" before any run). */
  output(): string {
    return this.run?.output() ?? "";
  }

  /** SIGKILLs the run if it is still going and forgets it. */
  kill(): void {
    if (this.run !== null && this.run.proc.exitCode === null) this.run.proc.kill("SIGKILL");
    this.run = null;
  }
}

/** The dashboard URL a CLI run logged (`msg="http server listening" url=…`), once it is there. */
export function listeningUrl(output: string): string | null {
  const match = /msg="http server listening" url=(http:\/\/\S+?)\/? /.exec(output);
  return match?.[1] ?? null;
}

/** GETs `path` from the HTTP API of a CLI run (waiting for it to listen); status and parsed JSON body. */
export async function cliApi<T = unknown>(run: CliRun, path: string): Promise<{ status: number; body: T }> {
  await until(() => listeningUrl(run.output()) !== null, 30_000, "http server");
  const response = await fetch(`${listeningUrl(run.output())}${path}`);
  return { status: response.status, body: (await response.json()) as T };
}
