import { randomBytes } from "node:crypto";
import { posix } from "node:path";
import { ok, type Result } from "../../domain/result.js";
import type { Host, HostError, HostProcess, RunScriptOptions, ScriptResult, SpawnOptions } from "../host.js";
import { killOnAbort } from "../kill-on-abort.js";
import { CappedOutput } from "../output-buffer.js";
import { scriptDeadline } from "../script-deadline.js";
import { shellQuote } from "../ssh-command.js";
import type { KubeApiClient, KubeApiError } from "./api-client.js";
import { deferredExec, type ExecProcess, execInPod } from "./exec-process.js";
import { KUBERNETES_HOST_PREFIX } from "./kind.js";
import { labelValue, POD_LABELS, podManifest, podSelector } from "./pod-manifest.js";
import { createPod, deletePod, listPods, waitRunning } from "./pods.js";
import type { KubernetesConfig } from "./settings.js";

const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024;
const DEFAULT_GRACE_MS = 2_000;
const CONTAINER = "agent";

/** What a Kubernetes host is built from. */
export interface KubernetesHostOptions {
  readonly config: () => KubernetesConfig;
  /** The API client, or why there is none (credentials unreadable): every operation then fails unreachable. */
  readonly client: () => Result<KubeApiClient, string>;
  /** The workspace root as commands see it (read on every call, so reloads apply). */
  readonly workspaceRoot: () => string;
  readonly serviceId: string;
  readonly instanceId: string;
  readonly loginShell?: boolean;
  readonly killGraceMs?: number;
}

/** A Kubernetes namespace as a host: one Pod per workspace, commands by exec. */
export interface KubernetesHost extends Host {
  /** Deletes every pod this process created. */
  close(): Promise<void>;
}

/** A host failure thrown by ensureDir/remove (and classified back by `failureOf`). */
class KubeHostFailure extends Error {
  constructor(readonly error: HostError) {
    super(error.message);
  }
}

/**
 * The host `kubernetes:<namespace>`. A workspace directory is a Pod (created when the workspace is, named
 * after it, labelled with service, process, workspace and issue) whose volume is mounted at the workspace
 * path; hooks and the agent run in it through exec; removing the workspace, stopping the service or the
 * startup sweep deletes the pod.
 */
export function createKubernetesHost(options: KubernetesHostOptions): KubernetesHost {
  const graceMs = options.killGraceMs ?? DEFAULT_GRACE_MS;
  const name = `${KUBERNETES_HOST_PREFIX}${options.config().namespace}`;
  const pods = new Map<string, Promise<string>>(); // workspace key → pod name (once running)
  const failure = (error: KubeApiError | string): KubeHostFailure =>
    new KubeHostFailure({
      kind: typeof error === "string" || error.kind === "unreachable" ? "unreachable" : "failed",
      host: name,
      message: typeof error === "string" ? error : error.message,
    });
  const api = (): KubeApiClient => {
    const client = options.client();
    if (!client.ok) throw failure(client.error);
    return client.value;
  };
  const root = () => posix.normalize(options.workspaceRoot());
  const keyOf = (path: string): string | null => {
    const normal = posix.normalize(path);
    const parent = posix.dirname(normal);
    return parent === root() ? posix.basename(normal) : null;
  };
  const keyIn = (cwd: string): string | null => {
    let path = posix.normalize(cwd);
    while (path !== "/" && path !== ".") {
      const key = keyOf(path);
      if (key !== null) return key;
      path = posix.dirname(path);
    }
    return null;
  };

  const existingPod = async (key: string): Promise<string | null> => {
    const config = options.config();
    const found = await listPods(
      api(),
      config.namespace,
      `${podSelector(options.serviceId)},${POD_LABELS.workspace}=${labelValue(key)}`,
    );
    if (!found.ok) throw failure(found.error);
    return found.value[0]?.metadata.name ?? null;
  };

  const startPod = async (key: string, issue?: string): Promise<string> => {
    const config = options.config();
    const client = api();
    const existing = await existingPod(key);
    const podName =
      existing ??
      `symphony-${key
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, "-")
        .slice(0, 40)}-${randomBytes(3).toString("hex")}`;
    if (existing === null) {
      const manifest = podManifest(config, {
        name: podName,
        workspacePath: posix.join(root(), key),
        workspaceKey: key,
        serviceId: options.serviceId,
        instanceId: options.instanceId,
        // the workspace key is the sanitised identifier: the issue label without a hook's env
        issue: issue ?? key,
      });
      const created = await createPod(client, config.namespace, manifest);
      if (!created.ok) throw failure(created.error);
    }
    const running = await waitRunning(client, config.namespace, podName, config.podReadyTimeoutMs);
    if (!running.ok) throw failure(running.error);
    return podName;
  };

  const podFor = (key: string, issue?: string): Promise<string> => {
    let pod = pods.get(key);
    if (pod === undefined) {
      pod = startPod(key, issue);
      pods.set(key, pod);
      pod.catch(() => pods.delete(key));
    }
    return pod;
  };

  // Runs a script in the workspace's pod: the command in its own process group (pid in a file under /tmp),
  // so kill() can signal the group through a second exec.
  const exec = (
    key: string,
    cwd: string,
    env: Readonly<Record<string, string>>,
    script: string,
    issue?: string,
  ): ExecProcess => {
    const id = randomBytes(6).toString("hex");
    const pidFile = `/tmp/.symphony-${id}.pid`;
    const shell = options.loginShell === true ? "bash -lc" : "bash --noprofile --norc -c";
    const envWords = Object.entries(env).map(([k, v]) => shellQuote(`${k}=${v}`));
    // setsid makes the command a session (and group) leader with pid $!; `<&0` keeps stdin, which a
    // background job would otherwise get from /dev/null
    const wrapper = [
      `cd -- ${shellQuote(cwd)} || exit 127`,
      `setsid env -i ${envWords.join(" ")} ${shell} ${shellQuote(script)} <&0 &`,
      `echo $! > ${pidFile}`,
      "wait $!",
      "status=$?",
      `rm -f ${pidFile}`,
      "exit $status",
    ].join("\n");
    let podName: string | null = null;
    const signalGroup = async (sig: "TERM" | "KILL") => {
      if (podName === null) return;
      const killer = await execInPod(
        api(),
        { namespace: options.config().namespace, pod: podName, container: CONTAINER },
        [
          "bash",
          "--noprofile",
          "--norc",
          "-c",
          `p=$(cat ${pidFile} 2>/dev/null) && kill -${sig} -- -"$p" 2>/dev/null; exit 0`,
        ],
        async () => {},
      );
      killer.stdin.end();
      await killer.exited;
    };
    const lazy = deferredExec(async () => {
      podName = await podFor(key, issue);
      return execInPod(
        api(),
        { namespace: options.config().namespace, pod: podName, container: CONTAINER },
        ["bash", "--noprofile", "--norc", "-c", wrapper],
        async (grace = graceMs) => {
          await signalGroup("TERM");
          const done = await Promise.race([
            lazy.exited.then(() => true),
            new Promise<boolean>((r) => setTimeout(() => r(false), grace).unref()),
          ]);
          if (!done) await signalGroup("KILL");
        },
      );
    });
    return lazy;
  };

  const runScript = async (script: string, opts: RunScriptOptions): Promise<ScriptResult> => {
    const output = new CappedOutput(opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
    const key = keyIn(opts.cwd);
    if (key === null)
      return {
        exitCode: null,
        signal: null,
        timedOut: false,
        aborted: false,
        output: `${opts.cwd} is not a workspace`,
        truncated: false,
      };
    const proc = exec(key, opts.cwd, opts.env, script, opts.env.SYMPHONY_ISSUE_IDENTIFIER);
    proc.stdin.end();
    proc.stdout.on("data", (c: Buffer) => output.push(c));
    proc.stderr.on("data", (c: Buffer) => output.push(c));
    const deadline = scriptDeadline(
      () => {
        void proc.kill(graceMs);
      },
      opts.timeoutMs,
      opts.signal,
    );
    const [exit, startError] = await Promise.all([proc.exited, proc.startError]);
    deadline.release();
    if (startError !== null) output.push(Buffer.from(`${startError}\n`));
    return {
      exitCode: exit.code,
      signal: exit.signal,
      timedOut: deadline.reason() === "timeout",
      aborted: deadline.reason() === "abort",
      output: output.text(),
      truncated: output.truncated,
      unreachable: startError !== null,
    };
  };

  const control = async (key: string, script: string): Promise<string> => {
    const result = await runScript(script, { cwd: posix.join(root(), key), env: {}, timeoutMs: 60_000 });
    if (result.exitCode !== 0)
      throw failure({
        kind: result.unreachable ? "unreachable" : "status",
        message: result.output.trim() || "exec failed",
      });
    return result.output;
  };

  const deleteWorkspacePod = async (key: string): Promise<void> => {
    const pod = await (pods.get(key)?.catch(() => null) ?? existingPod(key));
    pods.delete(key);
    if (pod === null) return;
    const deleted = await deletePod(api(), options.config().namespace, pod);
    if (!deleted.ok) throw failure(deleted.error);
  };

  return {
    name,
    localFilesystem: false,
    closableStdin: true,
    async listDirs() {
      try {
        const found = await listPods(api(), options.config().namespace, podSelector(options.serviceId));
        if (!found.ok) return { ok: false, error: failure(found.error).error };
        return ok(
          new Set(
            found.value.map((p) => p.metadata.labels?.[POD_LABELS.workspace] ?? "").filter((k) => k !== ""),
          ),
        );
      } catch (cause) {
        return { ok: false, error: (cause as KubeHostFailure).error };
      }
    },
    async dirExists(path) {
      const key = keyOf(path);
      if (key === null) return ok(posix.normalize(path) === root());
      try {
        return ok(pods.has(key) || (await existingPod(key)) !== null);
      } catch (cause) {
        return { ok: false, error: (cause as KubeHostFailure).error };
      }
    },
    realPath: async (path) => ok(posix.normalize(path)),
    failureOf: (cause) => (cause instanceof KubeHostFailure ? cause.error : null),
    async ensureDir(path) {
      const key = keyOf(path);
      if (key === null) return { created: false, realPath: posix.normalize(path) };
      await podFor(key);
      // a fresh emptyDir (or a new subPath on the claim) is empty: that is what "created" means here
      const listing = await control(key, "ls -A . | head -n 1");
      return { created: listing.trim() === "", realPath: posix.normalize(path) };
    },
    async remove(path) {
      const key = keyOf(path);
      if (key === null) return;
      if (options.config().workspaceClaim !== null && (pods.has(key) || (await existingPod(key)) !== null)) {
        // on a claim the directory outlives the pod: empty it first
        await control(key, "find . -mindepth 1 -delete").catch(() => "");
      }
      await deleteWorkspacePod(key);
    },
    runScript,
    spawn(command: string, opts: SpawnOptions): HostProcess {
      const key = keyIn(opts.cwd) ?? "";
      return killOnAbort(
        exec(key, opts.cwd, opts.env, command, opts.env.SYMPHONY_ISSUE_IDENTIFIER),
        opts.signal,
      );
    },
    async close() {
      const keys = [...pods.keys()];
      await Promise.all(keys.map((key) => deleteWorkspacePod(key).catch(() => {})));
    },
  };
}
