import type { Readable, Writable } from "node:stream";
import type { Result } from "../domain/result.js";

/** Options for running a hook-style script to completion. */
export interface RunScriptOptions {
  readonly cwd: string;
  readonly timeoutMs: number;
  /** The complete child environment (built from an allow-list; never the whole parent env). */
  readonly env: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  /** Output beyond this many bytes is dropped and `truncated` is set. */
  readonly maxOutputBytes?: number;
}

/** Options for {@link Host.spawn}. */
export interface SpawnOptions {
  readonly cwd: string;
  /** The complete child environment (built from an allow-list; never the whole parent env). */
  readonly env: Readonly<Record<string, string>>;
  /** Aborting it kills the process tree. */
  readonly signal?: AbortSignal;
}

/** How a script ended. `output` is stdout and stderr interleaved, capped. */
export interface ScriptResult {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  readonly output: string;
  readonly truncated: boolean;
  /** True when the script never started because the host could not be reached (SSH connect/auth failure). */
  readonly unreachable?: boolean;
}

/** A long-lived child started by {@link Host.spawn} in its own process group. */
export interface HostProcess {
  readonly pid: number | undefined;
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Resolves once the process has exited. */
  readonly exited: Promise<{ readonly code: number | null; readonly signal: string | null }>;
  /** SIGTERM to the whole process group, SIGKILL after `graceMs`; resolves when it has exited. */
  kill(graceMs?: number): Promise<void>;
}

/** Why a host operation failed, as data: the host could not be reached, or the operation failed there. */
export interface HostError {
  readonly kind: "unreachable" | "failed";
  readonly host: string;
  readonly message: string;
}

/** Where commands run: the local machine or an SSH worker. Workspaces and backends use only this. */
export interface Host {
  /** `local`, the SSH destination, or a kind's own name (`docker:<engine>`). */
  readonly name: string;
  /**
   * True when the host's paths are this process's paths (the local machine): in-process file tools work
   * there and a child inherits this process's environment allow-list.
   */
  readonly localFilesystem: boolean;
  /**
   * True when the host addresses workspaces by this machine's resolved paths although it is not this
   * machine (a Docker engine bind-mounts them): it gets the resolved `workspace.root`, not the raw one.
   */
  readonly sharesLocalPaths?: boolean;
  /**
   * True when closing a spawned child's stdin gives it end-of-file (locally); false over ssh, where stdin
   * must stay open (closing it ends the remote group), so a prompt is fed with a byte count instead.
   */
  readonly closableStdin: boolean;
  /** Names of the directories (and symlinks to them) directly under `path`; a missing `path` has none. */
  listDirs(path: string, signal?: AbortSignal): Promise<Result<ReadonlySet<string>, HostError>>;
  /** Whether `path` is an existing directory on the host. */
  dirExists(path: string, signal?: AbortSignal): Promise<Result<boolean, HostError>>;
  /**
   * The canonical path (symlinks resolved) of an existing `path`, or null when it does not exist; hosts that
   * cannot resolve remotely cheaply return `path` unchanged.
   */
  realPath(path: string): Promise<Result<string | null, HostError>>;
  /** Classifies a failure thrown by {@link Host.ensureDir}/{@link Host.remove} (null: not a host failure). */
  failureOf(cause: unknown): HostError | null;
  /** Creates the directory if missing; `created` says whether this call created it. */
  ensureDir(path: string): Promise<{ readonly created: boolean; readonly realPath: string }>;
  /** Removes a path recursively; missing is fine. */
  remove(path: string): Promise<void>;
  /** Runs `<script>` with bash (no start-up files unless the host was built with a login shell) in `cwd` in its own process group, killing the group on timeout/abort. */
  runScript(script: string, options: RunScriptOptions): Promise<ScriptResult>;
  /**
   * Starts `<command>` with bash (as for `runScript`) in `cwd` in its own process group with exactly `env`;
   * aborting `signal` kills the tracked process tree (as {@link HostProcess.kill}).
   */
  spawn(command: string, options: SpawnOptions): HostProcess;
}
