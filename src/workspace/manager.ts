import { join } from "node:path";
import type { ServiceConfig } from "../config/types.js";
import { type HookName, messageOf, type WorkspaceError } from "../domain/errors.js";
import type { Issue } from "../domain/issue.js";
import type { Logger } from "../domain/logger.js";
import { err, ok, type Result } from "../domain/result.js";
import type { Host } from "../hosts/host.js";
import { type HostResolver, LOCAL_HOST_NAME } from "../hosts/host-resolver.js";
import type { RescueStep } from "../rescue/step.js";
import type { Clock } from "../util/clock.js";
import { isStrictlyInside } from "./containment.js";
import { type HookReport, runHook } from "./hooks.js";
import { workspaceKey } from "./key.js";
import { describeUntrusted, preparePrivateRoot, trusted } from "./ownership.js";

/** A workspace ready for an attempt. */
export interface PreparedWorkspace {
  /** Resolved real path, strictly inside the resolved root. */
  readonly path: string;
  readonly key: string;
  /** True only when this call created the directory. */
  readonly createdNow: boolean;
}

/** Per-call context: the issue, the run's signal, the host and an optional hook observer. */
export interface WorkspaceCall {
  readonly issue: Pick<Issue, "id" | "identifier">;
  readonly signal: AbortSignal;
  /** Name of the host the workspace lives on (`local` or an SSH destination); default `local`. */
  readonly host?: string;
  readonly onHook?: (report: HookReport) => void;
}

/** Builds the child environment for hooks of one issue on one host (allow-listed, secrets removed). */
export type HookEnvBuilder = (
  issue: Pick<Issue, "id" | "identifier">,
  workspacePath: string,
  host: Host,
) => Readonly<Record<string, string>>;

/** Workspace root on SSH workers when `workspace.root` is unset (a path on the remote host). */
export const DEFAULT_REMOTE_WORKSPACE_ROOT = "/tmp/symphony_workspaces";

/**
 * The root as the host sees it: the resolved local path (also on hosts that share this machine's paths,
 * e.g. Docker engines' bind mounts), or the raw configured string on SSH workers (spec A.1).
 */
export function workspaceRootFor(
  config: ServiceConfig,
  host: Pick<Host, "localFilesystem" | "sharesLocalPaths">,
): string {
  if (host.localFilesystem || host.sharesLocalPaths === true) return config.workspace.root;
  return config.workspace.rootRaw ?? DEFAULT_REMOTE_WORKSPACE_ROOT;
}

/** What the workspace manager is built from. */
export interface WorkspaceManagerDeps {
  /** Resolves a call's host name to the host its workspace lives on. */
  readonly hosts: HostResolver;
  readonly logger: Logger;
  readonly clock: Clock;
  /** The current config (read on every call, so reloads of hooks and root apply to the next call). */
  readonly config: () => ServiceConfig;
  readonly hookEnv: HookEnvBuilder;
  /** Saves unsaved work before any removal; false keeps the workspace (absent: removal as in the spec). */
  readonly rescue?: RescueStep;
}

/** Creates, reuses, hooks and removes per-issue workspaces (spec 9). */
export interface WorkspaceManager {
  /** `<root>/<key>` for an identifier on the local host, without touching the filesystem. */
  pathFor(identifier: string): string;
  /** Ensures the workspace exists and is contained; runs `after_create` only when new. */
  prepare(call: WorkspaceCall): Promise<Result<PreparedWorkspace, WorkspaceError>>;
  /** Runs `before_run` (failure is returned) or `after_run` (failure is only logged by the caller). */
  runHook(
    hook: "before_run" | "after_run",
    path: string,
    call: WorkspaceCall,
  ): Promise<Result<void, WorkspaceError>>;
  /**
   * Runs `before_remove` (failure ignored), rescues unsaved work, and removes the workspace; missing is
   * fine; a failed rescue keeps it.
   */
  remove(call: WorkspaceCall, recordedPath?: string | null): Promise<void>;
  /** Rescues a workspace's unsaved work without removing it (an issue parked by a limit). */
  rescue(call: WorkspaceCall, path: string, reason: string): Promise<void>;
  /**
   * Names of the directories under the workspace root on a host (one listing instead of a probe per
   * issue); null when the root cannot be read or the host cannot be reached.
   */
  listWorkspaces(host: string, signal: AbortSignal): Promise<ReadonlySet<string> | null>;
}

/** Builds a workspace manager on a host. */
export function createWorkspaceManager(deps: WorkspaceManagerDeps): WorkspaceManager {
  const hookScript = (config: ServiceConfig, hook: HookName): string | null => {
    switch (hook) {
      case "after_create":
        return config.hooks.afterCreate;
      case "before_run":
        return config.hooks.beforeRun;
      case "after_run":
        return config.hooks.afterRun;
      case "before_remove":
        return config.hooks.beforeRemove;
      default: {
        const never: never = hook;
        throw new Error(`unknown hook ${String(never)}`);
      }
    }
  };

  const refused = (error: WorkspaceError): Result<never, WorkspaceError> => {
    if (error.kind === "workspace_untrusted") {
      deps.logger.error("workspace refused: untrusted directory", {
        ...error,
        reason_text: describeUntrusted(error),
      });
    }
    return err(error);
  };

  const hostOf = (call: WorkspaceCall): Host => deps.hosts(call.host ?? LOCAL_HOST_NAME);

  const hook = async (
    name: HookName,
    path: string,
    call: WorkspaceCall,
  ): Promise<Result<void, WorkspaceError>> => {
    const config = deps.config();
    const script = hookScript(config, name);
    if (script === null || script.trim() === "") return ok(undefined);
    const host = hostOf(call);
    return runHook({
      host,
      hook: name,
      script,
      cwd: path,
      env: deps.hookEnv(call.issue, path, host),
      timeoutMs: config.hooks.timeoutMs,
      signal: call.signal,
      logger: deps.logger.child({ issue_id: call.issue.id, issue_identifier: call.issue.identifier }),
      clock: deps.clock,
      ...(call.onHook === undefined ? {} : { onFinished: call.onHook }),
    });
  };

  const resolveRoot = async (host: Host): Promise<Result<string, WorkspaceError>> => {
    const root = workspaceRootFor(deps.config(), host);
    try {
      const { realPath } = await host.ensureDir(root);
      return ok(realPath);
    } catch (cause) {
      return err(
        unreachable(host, cause) ?? { kind: "workspace_root_invalid", root, message: messageOf(cause) },
      );
    }
  };

  return {
    pathFor: (identifier) => join(deps.config().workspace.root, workspaceKey(identifier)),

    async prepare(call) {
      const host = hostOf(call);
      if (host.localFilesystem) {
        const privateRoot = await preparePrivateRoot(workspaceRootFor(deps.config(), host));
        if (!privateRoot.ok) return refused(privateRoot.error);
      }
      const root = await resolveRoot(host);
      if (!root.ok) return root;
      const key = workspaceKey(call.issue.identifier);
      const path = join(root.value, key);
      let created: boolean;
      let realPath: string;
      try {
        ({ created, realPath } = await host.ensureDir(path));
      } catch (cause) {
        return err(
          unreachable(host, cause) ?? { kind: "workspace_create_failed", path, message: messageOf(cause) },
        );
      }
      if (realPath === root.value) return err({ kind: "workspace_equals_root", path: realPath });
      if (!isStrictlyInside(root.value, realPath)) {
        deps.logger.error("workspace escapes root", { path: realPath, root: root.value });
        return err({ kind: "workspace_escape", path: realPath, root: root.value });
      }
      // a workspace someone else made (or can write) may hold a planted hook payload
      if (host.localFilesystem) {
        const workspace = await trusted(realPath);
        if (!workspace.ok) return refused(workspace.error);
      }
      if (created) {
        const result = await hook("after_create", realPath, call);
        if (!result.ok) {
          // a half-bootstrapped new directory is removed so the next attempt starts clean
          await host.remove(realPath).catch(() => {});
          return result;
        }
      }
      return ok({ path: realPath, key, createdNow: created });
    },

    runHook: (name, path, call) => hook(name, path, call),

    async listWorkspaces(name, signal) {
      const host = deps.hosts(name);
      const config = deps.config();
      const root = workspaceRootFor(config, host);
      const listed = await host.listDirs(root, signal);
      return listed.ok ? listed.value : null;
    },

    async rescue(call, path, reason) {
      if (deps.rescue === undefined) return;
      await deps.rescue({ host: hostOf(call), workspacePath: path, issue: call.issue, runId: null, reason });
    },

    async remove(call, recordedPath) {
      const host = hostOf(call);
      const rootResult = await resolveRoot(host);
      if (!rootResult.ok) {
        deps.logger.warn("workspace cleanup skipped: root unavailable", {
          host: host.name,
          ...rootResult.error,
        });
        return;
      }
      const candidate = recordedPath ?? join(rootResult.value, workspaceKey(call.issue.identifier));
      const resolved = await host.realPath(candidate);
      if (!resolved.ok || resolved.value === null) return; // nothing there
      const path = resolved.value;
      if (!isStrictlyInside(rootResult.value, path)) {
        deps.logger.error("refusing to remove workspace outside root", { path, root: rootResult.value });
        return;
      }
      // before_remove runs only when the directory exists (an unreachable host counts as absent)
      const exists = await host.dirExists(path, call.signal);
      if (!exists.ok || !exists.value) return;
      await hook("before_remove", path, call);
      const removing = {
        host,
        workspacePath: path,
        issue: call.issue,
        runId: null,
        reason: "removing its workspace",
      };
      if (deps.rescue !== undefined && !(await deps.rescue(removing))) return;
      try {
        await host.remove(path);
        deps.logger.info("workspace removed", {
          path,
          host: host.name,
          issue_identifier: call.issue.identifier,
        });
      } catch (cause) {
        deps.logger.warn("workspace removal failed", { path, host: host.name, error: messageOf(cause) });
      }
    },
  };
}

/** A `host_unreachable` error when the host says `cause` means it could not be reached, else null. */
function unreachable(host: Host, cause: unknown): WorkspaceError | null {
  const failure = host.failureOf(cause);
  return failure?.kind === "unreachable"
    ? { kind: "host_unreachable", host: host.name, message: failure.message }
    : null;
}
