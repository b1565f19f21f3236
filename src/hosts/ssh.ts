import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { err, ok, type Result } from "../domain/result.js";
import type { Host, HostError, HostProcess, RunScriptOptions, ScriptResult } from "./host.js";
import { killOnAbort } from "./kill-on-abort.js";
import { CappedOutput } from "./output-buffer.js";
import { terminateGroup, trackGroup, untrackGroup } from "./process-group.js";
import { SERVICE_MARKER_NAME } from "./process-marker.js";
import { scriptDeadline } from "./script-deadline.js";
import { remoteInvocation, remotePathWord, type WrapperSpec } from "./ssh-command.js";
import { parseSshDestination, type SshDestination } from "./ssh-destination.js";
import { StartMarkerFilter } from "./ssh-marker.js";

/** Default grace between SIGTERM and SIGKILL, on the remote group and on the local `ssh`. */
export const DEFAULT_SSH_KILL_GRACE_MS = 2_000;
/** Default limit for establishing the SSH connection (`ConnectTimeout`). */
export const DEFAULT_SSH_CONNECT_TIMEOUT_MS = 10_000;
/** Default limit for `ensureDir` and `remove`, which take no timeout of their own. */
export const DEFAULT_SSH_COMMAND_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024;
// after asking the remote side to stop, how long beyond its grace before the local ssh is killed
const LOCAL_FALLBACK_MS = 3_000;
const DIR_MARKER = "__SYMPHONY_DIR__";

/** Options for {@link createSshHost}. */
export interface SshHostOptions {
  /** An `ssh -F` config file; defaults to `$SYMPHONY_SSH_CONFIG` when that is set. */
  readonly sshConfigPath?: string;
  /** Grace between SIGTERM and SIGKILL for the remote process group. */
  readonly killGraceMs?: number;
  /** How long connecting (TCP + SSH handshake) may take. */
  readonly connectTimeoutMs?: number;
  /** Limit for `ensureDir` and `remove`. */
  readonly commandTimeoutMs?: number;
  /** The `ssh` binary (default `ssh` on `PATH`). */
  readonly sshBinary?: string;
  /** Where the local `ssh` process's allow-listed variables come from (default `process.env`). */
  readonly parentEnv?: NodeJS.ProcessEnv;
  /** Run remote commands in a login shell (`bash -lc`); default false: `bash --noprofile --norc -c`. */
  readonly loginShell?: boolean;
}

/** An SSH host operation that failed; carries data, not just a sentence. */
export class SshHostError extends Error {
  /** `unreachable`: ssh could not connect or authenticate; `remote_failed`: the remote command failed. */
  readonly kind: "unreachable" | "remote_failed" | "invalid_output";
  readonly destination: string;
  readonly exitCode: number | null;
  readonly output: string;

  constructor(
    kind: SshHostError["kind"],
    destination: string,
    result: { exitCode: number | null; output: string },
    message: string,
  ) {
    super(message);
    this.name = "SshHostError";
    this.kind = kind;
    this.destination = destination;
    this.exitCode = result.exitCode;
    this.output = result.output;
  }
}

// the local ssh client needs these to find its config, keys and agent; nothing else is passed
const LOCAL_ENV_NAMES = ["PATH", "HOME", "USER", "LOGNAME", "SSH_AUTH_SOCK", "TMPDIR", "KRB5CCNAME"];

/**
 * A worker host reached with the system `ssh -T` (no JS SSH library). Every command runs remotely with
 * bash (no start-up files unless `loginShell`) under `setsid` in its own process group with exactly the given environment; timeouts,
 * aborts and `kill()` end both the local ssh session and the remote group. Throws on an invalid destination.
 */
export function createSshHost(destination: string, options: SshHostOptions = {}): Host {
  const parsed = parseSshDestination(destination);
  if (!parsed.ok)
    throw new TypeError(`invalid SSH destination ${JSON.stringify(destination)}: ${parsed.error.message}`);
  const parentEnv = options.parentEnv ?? process.env;
  const ssh = new SshRunner(parsed.value, {
    binary: options.sshBinary ?? "ssh",
    configPath: options.sshConfigPath ?? nonEmpty(parentEnv.SYMPHONY_SSH_CONFIG),
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_SSH_CONNECT_TIMEOUT_MS,
    graceMs: options.killGraceMs ?? DEFAULT_SSH_KILL_GRACE_MS,
    env: localEnv(parentEnv),
    loginShell: options.loginShell ?? false,
  });
  const commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_SSH_COMMAND_TIMEOUT_MS;
  const name = destination;

  const control = async (script: string): Promise<ScriptResult> => {
    // relative paths mean what they mean to `ssh host cmd`: relative to the remote login's HOME
    const result = await ssh.runScript(script, { cwd: "~", env: {}, timeoutMs: commandTimeoutMs });
    if (result.unreachable === true) {
      throw new SshHostError(
        "unreachable",
        name,
        result,
        `ssh to ${name} failed: ${lastLine(result.output)}`,
      );
    }
    if (result.exitCode !== 0) {
      const why = result.timedOut ? `timed out after ${commandTimeoutMs} ms` : lastLine(result.output);
      throw new SshHostError("remote_failed", name, result, `remote command on ${name} failed: ${why}`);
    }
    return result;
  };

  const probe = async (script: string, signal?: AbortSignal): Promise<Result<ScriptResult, HostError>> => {
    const result = await ssh.runScript(script, {
      cwd: "/",
      env: {},
      timeoutMs: commandTimeoutMs,
      maxOutputBytes: 8 * 1024 * 1024,
      ...(signal === undefined ? {} : { signal }),
    });
    if (result.unreachable === true) {
      return err({
        kind: "unreachable",
        host: name,
        message: `ssh to ${name} failed: ${lastLine(result.output)}`,
      });
    }
    return ok(result);
  };

  return {
    name,
    localFilesystem: false,
    closableStdin: false,
    async listDirs(path, signal) {
      const ran = await probe(listScript(path), signal);
      if (!ran.ok) return ran;
      if (ran.value.exitCode !== 0 || ran.value.truncated) {
        return err({ kind: "failed", host: name, message: `listing ${path} on ${name} failed` });
      }
      return ok(new Set(ran.value.output.split("\n").filter((line) => line !== "")));
    },
    async dirExists(path, signal) {
      const ran = await probe(`test -d ${remotePathWord(path)}`, signal);
      return ran.ok ? ok(ran.value.exitCode === 0) : ran;
    },
    // remote paths are used as the remote login resolves them (ensureDir already returns `pwd -P`)
    realPath: async (path) => ok(path),
    failureOf: (cause) =>
      cause instanceof SshHostError && cause.kind === "unreachable"
        ? { kind: "unreachable", host: name, message: cause.message }
        : null,
    async ensureDir(path) {
      const result = await control(ensureDirScript(path));
      const line = result.output.split("\n").find((l) => l.startsWith(`${DIR_MARKER}\t`));
      const [, created, realPath] = line?.split("\t") ?? [];
      if ((created !== "0" && created !== "1") || realPath === undefined || realPath === "") {
        throw new SshHostError("invalid_output", name, result, `ensureDir on ${name} gave no result line`);
      }
      return { created: created === "1", realPath };
    },
    async remove(path) {
      if (path.trim() === "" || path.trim() === "/" || path.trim() === "~") {
        throw new TypeError(`refusing to remove ${JSON.stringify(path)} on ${name}`);
      }
      await control(`rm -rf -- ${remotePathWord(path)}`);
    },
    runScript: (script, opts) => ssh.runScript(script, opts),
    spawn: (command, opts) => killOnAbort(ssh.spawn(command, opts.cwd, opts.env), opts.signal),
  };
}

// directory names under the root, one a line (workspace keys never contain a newline); no root = none
function listScript(root: string): string {
  return [
    `cd -- ${remotePathWord(root)} 2>/dev/null || exit 0`,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion, not a template
    'for f in ./* ./.[!.]* ./..?*; do if [ -d "$f" ]; then printf \'%s\\n\' "${f#./}"; fi; done',
  ].join("\n");
}

function ensureDirScript(path: string): string {
  return [
    "set -eu",
    `p=${remotePathWord(path)}`,
    'if [ -d "$p" ]; then c=0',
    'elif [ -e "$p" ] || [ -L "$p" ]; then echo "$p exists and is not a directory" >&2; exit 1',
    'else mkdir -p -- "$p"; c=1; fi',
    'cd -- "$p"',
    `printf '${DIR_MARKER}\\t%s\\t%s\\n' "$c" "$(pwd -P)"`,
  ].join("\n");
}

interface RunnerConfig {
  readonly binary: string;
  readonly configPath: string | undefined;
  readonly connectTimeoutMs: number;
  readonly graceMs: number;
  readonly env: Record<string, string>;
  readonly loginShell: boolean;
}

/** Starts `ssh` processes for one destination and supervises them. */
class SshRunner {
  readonly #destination: SshDestination;
  readonly #config: RunnerConfig;

  constructor(destination: SshDestination, config: RunnerConfig) {
    this.#destination = destination;
    this.#config = config;
  }

  runScript(script: string, opts: RunScriptOptions): Promise<ScriptResult> {
    const output = new CappedOutput(opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
    const child = this.#start({ mode: "script", command: script, cwd: opts.cwd, env: opts.env });
    const stdout = child.stdout.pipe(new StartMarkerFilter());
    const exited = new Promise<void>((done) => child.once("close", () => done()));
    const drained = new Promise<void>((done) => stdout.once("end", () => done()));
    const stopper = this.#stopper(child, exited);
    const deadline = scriptDeadline(
      () => {
        void stopper(this.#config.graceMs);
      },
      opts.timeoutMs,
      opts.signal,
    );
    stdout.on("data", (chunk: Buffer) => output.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => output.push(chunk));
    let spawnFailed = false;
    child.once("error", (cause) => {
      spawnFailed = true;
      output.push(Buffer.from(`ssh failed to start: ${cause.message}\n`));
    });
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once("close", (code, signal) => resolve({ code, signal })),
    );
    return Promise.all([ended, drained]).then(([{ code, signal }]) => {
      deadline.release();
      untrackGroup(child.pid);
      const started = stdout.started;
      return {
        exitCode: spawnFailed ? null : code,
        signal: signal ?? null,
        timedOut: deadline.reason() === "timeout",
        aborted: deadline.reason() === "abort",
        output: output.text(),
        truncated: output.truncated,
        unreachable: spawnFailed || (!started && (code === 255 || code === null)),
      };
    });
  }

  spawn(command: string, cwd: string, env: Readonly<Record<string, string>>): HostProcess {
    const child = this.#start({ mode: "stdio", command, cwd, env });
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
      child.once("error", () => resolve({ code: null, signal: null }));
      child.once("close", (code, signal) => {
        untrackGroup(child.pid);
        resolve({ code, signal: signal ?? null });
      });
    });
    const stopper = this.#stopper(child, exited);
    return {
      pid: child.pid,
      stdin: child.stdin,
      stdout: child.stdout.pipe(new StartMarkerFilter()),
      stderr: child.stderr,
      exited,
      kill: (graceMs = this.#config.graceMs) => stopper(graceMs),
    };
  }

  #start(spec: Omit<WrapperSpec, "graceMs">): ChildProcessWithoutNullStreams {
    const { configPath, connectTimeoutMs, graceMs, loginShell } = this.#config;
    const remote = remoteInvocation({ ...spec, graceMs, loginShell });
    const args = [
      ...(configPath === undefined ? [] : ["-F", configPath]),
      "-T",
      "-o",
      "BatchMode=yes",
      "-o",
      `ConnectTimeout=${Math.max(1, Math.ceil(connectTimeoutMs / 1000))}`,
      "-o",
      "ServerAliveInterval=15",
      "-o",
      "ServerAliveCountMax=3",
      // port forwardings from a shared ssh config would collide across concurrent sessions
      "-o",
      "ClearAllForwardings=yes",
      ...(this.#destination.port === null ? [] : ["-p", String(this.#destination.port)]),
      "--",
      this.#destination.target,
      remote.command,
    ];
    const child = spawn(this.#config.binary, args, {
      // the service's pid marks the ssh client, so a dead service's sessions can be swept (and their remote side ends)
      env: { ...this.#config.env, [SERVICE_MARKER_NAME]: String(process.pid) },
      detached: true,
      stdio: "pipe",
    });
    trackGroup(child);
    // a closed pipe must not crash the service when ssh dies first
    child.stdin.on("error", () => {});
    // environment values travel on stdin, never on a command line
    child.stdin.write(remote.preamble);
    return child;
  }

  /** Returns an idempotent stop: close stdin (the remote wrapper stops its group), then kill the local ssh. */
  #stopper(
    child: ChildProcessWithoutNullStreams,
    exited: Promise<unknown>,
  ): (graceMs: number) => Promise<void> {
    let stopping: Promise<void> | null = null;
    let done = false;
    void exited.then(() => {
      done = true;
    });
    return (graceMs) => {
      stopping ??= (async () => {
        if (done || child.pid === undefined) return void (await exited);
        child.stdin.end();
        let timer: NodeJS.Timeout | undefined;
        const fallback = new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), graceMs + LOCAL_FALLBACK_MS);
        });
        const exitedInTime = await Promise.race([exited.then(() => true), fallback]);
        clearTimeout(timer);
        // the connection is stuck: killing the local ssh drops it, which the remote wrapper sees as EOF
        if (!exitedInTime) await terminateGroup(child.pid, exited, graceMs);
      })();
      return stopping;
    };
  }
}

function localEnv(parent: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of LOCAL_ENV_NAMES) {
    const value = parent[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

function lastLine(output: string): string {
  const lines = output.trim().split("\n");
  return lines[lines.length - 1] ?? "";
}
