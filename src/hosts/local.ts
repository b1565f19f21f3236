import { spawn } from "node:child_process";
import { lstat, mkdir, readdir, realpath, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { messageOf } from "../domain/errors.js";
import { err, ok, type Result } from "../domain/result.js";
import type { Host, HostError, HostProcess, RunScriptOptions, ScriptResult } from "./host.js";
import { killOnAbort } from "./kill-on-abort.js";
import { CappedOutput } from "./output-buffer.js";
import { signalGroup, terminateGroup, trackGroup, untrackGroup } from "./process-group.js";
import { killMarked, markerEnv, newMarker } from "./process-marker.js";
import { scriptDeadline } from "./script-deadline.js";

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
    localFilesystem: true,
    closableStdin: true,
    listDirs,
    dirExists: async (path) => {
      try {
        return ok((await stat(path)).isDirectory());
      } catch (cause) {
        return isMissing(cause) ? ok(false) : err(failed(cause));
      }
    },
    realPath: async (path) => {
      try {
        return ok(await realpath(path));
      } catch (cause) {
        return isMissing(cause) ? ok(null) : err(failed(cause));
      }
    },
    failureOf: () => null,
    ensureDir,
    remove: (path) => rm(path, { recursive: true, force: true }),
    runScript: (script, opts) => runScript(bashArgs(script, login), opts, graceMs),
    spawn: (command, opts) =>
      killOnAbort(spawnProcess(bashArgs(command, login), opts.cwd, opts.env, graceMs), opts.signal),
  };
}

function isMissing(cause: unknown): boolean {
  const code = (cause as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR";
}

function failed(cause: unknown): HostError {
  return { kind: "failed", host: "local", message: messageOf(cause) };
}

async function listDirs(path: string): Promise<Result<ReadonlySet<string>, HostError>> {
  try {
    const entries = await readdir(path, { withFileTypes: true });
    return ok(new Set(entries.filter((e) => e.isDirectory() || e.isSymbolicLink()).map((e) => e.name)));
  } catch (cause) {
    return (cause as NodeJS.ErrnoException).code === "ENOENT" ? ok(new Set()) : err(failed(cause));
  }
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
  const marker = newMarker();
  return new Promise<ScriptResult>((resolve) => {
    const child = spawn("bash", args, {
      cwd: opts.cwd,
      env: { ...opts.env, ...markerEnv(marker) },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    trackGroup(child);
    let ended: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    const exited = new Promise<void>((done) => child.once("exit", () => done()));
    const deadline = scriptDeadline(
      () => {
        if (child.pid !== undefined) void terminateGroup(child.pid, exited, graceMs);
      },
      opts.timeoutMs,
      opts.signal,
    );
    child.stdout?.on("data", (chunk: Buffer) => output.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => output.push(chunk));
    let pipeTimer: NodeJS.Timeout | undefined;
    child.once("exit", (code, signal) => {
      ended = { code, signal };
      // the script is over: anything it left behind goes too, in its group or escaped with setsid
      if (child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
      void killMarked(marker);
      // a process that still holds the pipes (it dropped the marker) must not wedge the caller
      pipeTimer = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        finish(code, signal);
      }, graceMs);
    });
    child.once("error", (cause) => output.push(Buffer.from(`spawn failed: ${cause.message}\n`)));
    let finished = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (finished) return;
      finished = true;
      deadline.release();
      clearTimeout(pipeTimer);
      untrackGroup(child.pid);
      resolve({
        exitCode: code,
        signal: signal ?? null,
        timedOut: deadline.reason() === "timeout",
        aborted: deadline.reason() === "abort",
        output: output.text(),
        truncated: output.truncated,
      });
    };
    child.once("close", (code, signal) => finish(ended?.code ?? code, ended?.signal ?? signal));
  });
}

function spawnProcess(
  args: string[],
  cwd: string,
  env: Readonly<Record<string, string>>,
  graceMs: number,
): HostProcess {
  const marker = newMarker();
  const child = spawn("bash", args, {
    cwd,
    env: { ...env, ...markerEnv(marker) },
    detached: true,
    stdio: "pipe",
  });
  trackGroup(child);
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once("error", () => resolve({ code: null, signal: null }));
    child.once("exit", (code, signal) => {
      if (child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
      untrackGroup(child.pid);
      // processes that escaped the group (setsid) still carry the marker; the exit waits for the sweep
      void killMarked(marker).finally(() => resolve({ code, signal: signal ?? null }));
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
