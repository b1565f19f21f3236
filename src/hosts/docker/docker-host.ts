import { posix } from "node:path";
import { messageOf } from "../../domain/errors.js";
import { err, ok, type Result } from "../../domain/result.js";
import type { Host, HostError, HostProcess, RunScriptOptions, ScriptResult } from "../host.js";
import { killOnAbort } from "../kill-on-abort.js";
import { CappedOutput } from "../output-buffer.js";
import { scriptDeadline } from "../script-deadline.js";
import { shellQuote } from "../ssh-command.js";
import { startContainer } from "./container-process.js";
import { type ContainerRequest, type ContainerSettings, LABELS } from "./container-spec.js";
import { DockerEngineError, type EngineClient } from "./engine-client.js";
import { DOCKER_HOST_PREFIX } from "./kind.js";

/** Default grace between SIGTERM and SIGKILL for a container. */
export const DEFAULT_DOCKER_KILL_GRACE_MS = 2_000;
const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024;
const CONTROL_TIMEOUT_MS = 60_000;
const DIR_MARKER = "__SYMPHONY_DIR__";

/** Options for {@link createDockerHost}. */
export interface DockerHostOptions {
  /** The engine's name in config (the host is `docker:<name>`). */
  readonly engineName: string;
  readonly engine: EngineClient;
  readonly container: ContainerSettings;
  /** The workspace root on the engine's machine (read on every call, so reloads apply). */
  readonly workspaceRoot: () => string;
  /** Labels naming this service and this process (the reaper selects on them). */
  readonly serviceId: string;
  readonly instanceId: string;
  readonly killGraceMs?: number;
}

/** A Docker engine as a host: every hook, control step and agent runs in its own fresh container. */
export interface DockerHost extends Host {
  /** Removes every container this process started on the engine that is still there. */
  close(): Promise<void>;
}

/** The host name runs on an engine carry. */
export function dockerHostName(engineName: string): string {
  return `${DOCKER_HOST_PREFIX}${engineName}`;
}

/** True for the name of a Docker host. */
export function isDockerHostName(name: string): boolean {
  return name.startsWith(DOCKER_HOST_PREFIX);
}

/**
 * A host on one Docker engine. Hooks and the agent run as `bash -lc` in containers of the configured
 * image with only their own workspace bind-mounted (same path inside and out); creating and removing
 * workspaces runs in short root "control" containers that see the workspace root. A container lives
 * exactly as long as its command and is removed afterwards.
 */
export function createDockerHost(options: DockerHostOptions): DockerHost {
  const graceMs = options.killGraceMs ?? DEFAULT_DOCKER_KILL_GRACE_MS;
  const name = dockerHostName(options.engineName);
  const live = new Set<string>();
  const tracker = { add: (id: string) => live.add(id), delete: (id: string) => live.delete(id) };

  const request = (
    argv: readonly string[],
    cwd: string,
    env: Readonly<Record<string, string>>,
    role: ContainerRequest["role"],
    interactive: boolean,
  ): ContainerRequest => {
    const root = posix.normalize(options.workspaceRoot());
    const mount = role === "control" ? controlMount(root, cwd) : workspaceMount(root, cwd);
    const labels: Record<string, string> = {
      [LABELS.managed]: "1",
      [LABELS.service]: options.serviceId,
      [LABELS.instance]: options.instanceId,
      [LABELS.workspace]: mount,
    };
    const issue = env.SYMPHONY_ISSUE_IDENTIFIER;
    if (issue !== undefined) labels[LABELS.issue] = issue;
    return { argv, cwd, env, mount, role, interactive, labels };
  };

  const runScript = (
    argv: readonly string[],
    role: ContainerRequest["role"],
    opts: RunScriptOptions,
  ): Promise<ScriptResult> => {
    const output = new CappedOutput(opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
    const proc = startContainer(
      options.engine,
      options.container,
      request(argv, opts.cwd, opts.env, role, false),
      tracker,
      graceMs,
    );
    proc.stdout.on("data", (chunk: Buffer) => output.push(chunk));
    proc.stderr.on("data", (chunk: Buffer) => output.push(chunk));
    const deadline = scriptDeadline(
      () => {
        void proc.kill(graceMs);
      },
      opts.timeoutMs,
      opts.signal,
    );
    const drained = Promise.all([ended(proc.stdout), ended(proc.stderr)]);
    return Promise.all([proc.exited, proc.startError, drained]).then(([exit, startError]) => {
      deadline.release();
      return {
        exitCode: exit.code,
        signal: exit.signal,
        timedOut: deadline.reason() === "timeout",
        aborted: deadline.reason() === "abort",
        output: output.text(),
        truncated: output.truncated,
        unreachable: startError?.kind === "unreachable",
      };
    });
  };

  const control = async (script: string, cwd: string): Promise<string> => {
    const result = await runScript(["/bin/sh", "-c", script], "control", {
      cwd,
      env: {},
      timeoutMs: CONTROL_TIMEOUT_MS,
    });
    if (result.unreachable === true) {
      throw new DockerEngineError(
        "unreachable",
        options.engine.label,
        null,
        `engine ${name}: ${lastLine(result.output)}`,
      );
    }
    if (result.exitCode !== 0) {
      throw new Error(`control step on ${name} failed: ${lastLine(result.output)}`);
    }
    return result.output;
  };

  const failureOf = (cause: unknown): HostError | null =>
    cause instanceof DockerEngineError && cause.kind === "unreachable"
      ? { kind: "unreachable", host: name, message: cause.message }
      : null;
  const probe = async <T>(script: string, read: (output: string) => T): Promise<Result<T, HostError>> => {
    try {
      return ok(read(await control(script, "/")));
    } catch (cause) {
      return err(failureOf(cause) ?? { kind: "failed", host: name, message: messageOf(cause) });
    }
  };

  return {
    name,
    // paths are the engine machine's: in-process file tools cannot reach them
    localFilesystem: false,
    sharesLocalPaths: true,
    // prompts are framed with a byte count, as over ssh (the attach stream stays open)
    closableStdin: false,
    listDirs: (path) =>
      probe(
        `cd -- ${shellQuote(path)} 2>/dev/null || exit 0; for f in ./* ./.[!.]* ./..?*; do if [ -d "$f" ]; then echo "\${f#./}"; fi; done`,
        (output) => new Set(output.split("\n").filter((line) => line !== "")),
      ),
    dirExists: (path) =>
      probe(`if [ -d ${shellQuote(path)} ]; then echo yes; else echo no; fi`, (o) => o.trim() === "yes"),
    realPath: async (path) => ok(path),
    failureOf,
    async ensureDir(path) {
      const target = posix.normalize(path);
      const output = await control(ensureDirScript(target, options.container.user), "/");
      const line = output.split("\n").find((l) => l.startsWith(`${DIR_MARKER}\t`));
      const [, created, realPath] = line?.split("\t") ?? [];
      if ((created !== "0" && created !== "1") || realPath === undefined || realPath === "") {
        throw new Error(`ensureDir on ${name} gave no result line`);
      }
      return { created: created === "1", realPath };
    },
    async remove(path) {
      const target = posix.normalize(path);
      const root = posix.normalize(options.workspaceRoot());
      if (target === "/" || !isInside(root, target)) {
        throw new TypeError(`refusing to remove ${JSON.stringify(path)} on ${name}: not inside ${root}`);
      }
      await control(`rm -rf -- ${shellQuote(target)}`, "/");
    },
    runScript: (script, opts) => runScript(["bash", "-lc", script], "hook", opts),
    spawn(command, opts): HostProcess {
      const proc = startContainer(
        options.engine,
        options.container,
        request(["bash", "-lc", command], opts.cwd, opts.env, "agent", true),
        tracker,
        graceMs,
      );
      return killOnAbort(proc, opts.signal);
    },
    async close() {
      await Promise.all(
        [...live].map((id) =>
          options.engine
            .call("DELETE", `/containers/${id}?force=1&v=1`, undefined, { okStatuses: [404, 409] })
            .catch(() => {})
            .then(() => live.delete(id)),
        ),
      );
    },
  };
}

// a hook or agent sees only its own workspace: `<root>/<key>` for any cwd at or below it
function workspaceMount(root: string, cwd: string): string {
  const normal = posix.normalize(cwd);
  if (!isInside(root, normal)) return root;
  const key = posix.relative(root, normal).split("/")[0] ?? "";
  return posix.join(root, key);
}

// control steps see the workspace root (created on demand by the engine when the path is missing)
function controlMount(root: string, cwd: string): string {
  return isInside(root, posix.normalize(cwd)) ? posix.normalize(cwd) : root;
}

function isInside(root: string, path: string): boolean {
  const rel = posix.relative(root, path);
  return rel !== "" && !rel.startsWith("..") && !posix.isAbsolute(rel);
}

function ensureDirScript(path: string, user: string): string {
  return [
    "set -eu",
    `p=${shellQuote(path)}`,
    'if [ -d "$p" ]; then c=0',
    'elif [ -e "$p" ] || [ -L "$p" ]; then echo "$p exists and is not a directory" >&2; exit 1',
    `else mkdir -p -- "$p"; chown ${shellQuote(user)} "$p"; c=1; fi`,
    'cd -- "$p"',
    `printf '${DIR_MARKER}\\t%s\\t%s\\n' "$c" "$(pwd -P)"`,
  ].join("\n");
}

function ended(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve) => {
    stream.once("end", () => resolve());
    stream.once("close", () => resolve());
  });
}

function lastLine(output: string): string {
  const lines = output.trim().split("\n");
  return lines[lines.length - 1] ?? "";
}
