import { spawn } from "node:child_process";
import { lstat, mkdir, realpath, rm } from "node:fs/promises";
import { dirname } from "node:path";
import type { Host, HostProcess, RunScriptOptions, ScriptResult } from "./host.js";
import { CappedOutput } from "./output-buffer.js";
import { signalGroup, terminateGroup, trackGroup, untrackGroup } from "./process-group.js";

/** Default grace between SIGTERM and SIGKILL for a process group. */
export const DEFAULT_KILL_GRACE_MS = 2_000;
const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024;

/** Options for the local host. */
export interface LocalHostOptions {
  /** Grace between SIGTERM and SIGKILL when a script times out or is aborted. */
  readonly killGraceMs?: number;
  /** Run commands in a login shell (`bash -lc`, reads ~/.profile); default false: `bash --noprofile --norc -c`. */
  readonly loginShell?: boolean;
}

/** The bash arguments that run `command`: no start-up files unless a login shell was asked for. */
export function bashArgs(command: string, loginShell: boolean): string[] {
  // ~/.profile and ~/.bashrc could export anything (tokens included) past the environment allow-list
  return loginShell ? ["-lc", command] : ["--noprofile", "--norc", "-c", command];
}

/** The local machine: `bash` children (see {@link bashArgs}), each in its own process group, killed as a group. */
export function createLocalHost(options: LocalHostOptions = {}): Host {
  const graceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const login = options.loginShell ?? false;
  return {
    name: "local",
    ensureDir,
    remove: (path) => rm(path, { recursive: true, force: true }),
    runScript: (script, opts) => runScript(bashArgs(script, login), opts, graceMs),
    spawn: (command, opts) => spawnProcess(bashArgs(command, login), opts.cwd, opts.env, graceMs),
  };
}

async function ensureDir(path: string): Promise<{ created: boolean; realPath: string }> {
  await mkdir(dirname(path), { recursive: true });
  let created = false;
  try {
    await mkdir(path);
    created = true;
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== "EEXIST") throw cause;
    const info = await lstat(path);
    if (!info.isDirectory() && !info.isSymbolicLink()) {
      throw new Error(`${path} exists and is not a directory`);
    }
  }
  return { created, realPath: await realpath(path) };
}

function runScript(args: string[], opts: RunScriptOptions, graceMs: number): Promise<ScriptResult> {
  const output = new CappedOutput(opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
  return new Promise<ScriptResult>((resolve) => {
    const child = spawn("bash", args, {
      cwd: opts.cwd,
      env: { ...opts.env },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    trackGroup(child);
    let stopReason: "timeout" | "abort" | null = null;
    const exited = new Promise<void>((done) => child.once("close", () => done()));
    const stop = (reason: "timeout" | "abort") => {
      stopReason ??= reason;
      if (child.pid !== undefined) void terminateGroup(child.pid, exited, graceMs);
    };
    const timer = setTimeout(() => stop("timeout"), Math.max(0, opts.timeoutMs));
    const onAbort = () => stop("abort");
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener("abort", onAbort, { once: true });
    child.stdout?.on("data", (chunk: Buffer) => output.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => output.push(chunk));
    child.once("exit", () => {
      // the script is over: anything it left behind in its group goes too
      if (child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
    });
    child.once("error", (cause) => output.push(Buffer.from(`spawn failed: ${cause.message}\n`)));
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      untrackGroup(child.pid);
      resolve({
        exitCode: code,
        signal: signal ?? null,
        timedOut: stopReason === "timeout",
        aborted: stopReason === "abort",
        output: output.text(),
        truncated: output.truncated,
      });
    });
  });
}

function spawnProcess(
  args: string[],
  cwd: string,
  env: Readonly<Record<string, string>>,
  graceMs: number,
): HostProcess {
  const child = spawn("bash", args, { cwd, env: { ...env }, detached: true, stdio: "pipe" });
  trackGroup(child);
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once("error", () => resolve({ code: null, signal: null }));
    child.once("exit", (code, signal) => {
      if (child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
      untrackGroup(child.pid);
      resolve({ code, signal: signal ?? null });
    });
  });
  // a closed pipe must not crash the service when the child dies first
  child.stdin.on("error", () => {});
  let killing: Promise<void> | null = null;
  return {
    pid: child.pid,
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: child.stderr,
    exited,
    kill(killGraceMs = graceMs) {
      if (child.pid === undefined) return exited.then(() => {});
      killing ??= terminateGroup(child.pid, exited, killGraceMs);
      return killing;
    },
  };
}
