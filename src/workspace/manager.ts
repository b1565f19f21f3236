import { realpath } from "node:fs/promises";
import { join } from "node:path";
import type { ServiceConfig } from "../config/types.js";
import { type HookName, messageOf, type WorkspaceError } from "../domain/errors.js";
import type { Issue } from "../domain/issue.js";
import { err, ok, type Result } from "../domain/result.js";
import type { Host } from "../hosts/host.js";
import type { Logger } from "../observability/logger.js";
import type { Clock } from "../util/clock.js";
import { isStrictlyInside } from "./containment.js";
import { type HookReport, runHook } from "./hooks.js";
import { workspaceKey } from "./key.js";

/** A workspace ready for an attempt. */
export interface PreparedWorkspace {
  /** Resolved real path, strictly inside the resolved root. */
  readonly path: string;
  readonly key: string;
  /** True only when this call created the directory. */
  readonly createdNow: boolean;
}

/** Per-call context: the issue, the run's signal and an optional hook observer. */
export interface WorkspaceCall {
  readonly issue: Pick<Issue, "id" | "identifier">;
  readonly signal: AbortSignal;
  readonly onHook?: (report: HookReport) => void;
}

/** Builds the child environment for hooks of one issue (allow-listed, secrets removed). */
export type HookEnvBuilder = (
  issue: Pick<Issue, "id" | "identifier">,
  workspacePath: string,
) => Readonly<Record<string, string>>;

/** What the workspace manager is built from. */
export interface WorkspaceManagerDeps {
  readonly host: Host;
  readonly logger: Logger;
  readonly clock: Clock;
  /** The current config (read on every call, so reloads of hooks and root apply to the next call). */
  readonly config: () => ServiceConfig;
  readonly hookEnv: HookEnvBuilder;
}

/** Creates, reuses, hooks and removes per-issue workspaces (spec 9). */
export interface WorkspaceManager {
  /** `<root>/<key>` for an identifier, without touching the filesystem. */
  pathFor(identifier: string): string;
  /** Ensures the workspace exists and is contained; runs `after_create` only when new. */
  prepare(call: WorkspaceCall): Promise<Result<PreparedWorkspace, WorkspaceError>>;
  /** Runs `before_run` (failure is returned) or `after_run` (failure is only logged by the caller). */
  runHook(
    hook: "before_run" | "after_run",
    path: string,
    call: WorkspaceCall,
  ): Promise<Result<void, WorkspaceError>>;
  /** Runs `before_remove` (failure ignored) and removes the workspace; missing is fine. */
  remove(call: WorkspaceCall, recordedPath?: string | null): Promise<void>;
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

  const hook = async (
    name: HookName,
    path: string,
    call: WorkspaceCall,
  ): Promise<Result<void, WorkspaceError>> => {
    const config = deps.config();
    const script = hookScript(config, name);
    if (script === null || script.trim() === "") return ok(undefined);
    return runHook({
      host: deps.host,
      hook: name,
      script,
      cwd: path,
      env: deps.hookEnv(call.issue, path),
      timeoutMs: config.hooks.timeoutMs,
      signal: call.signal,
      logger: deps.logger.child({ issue_id: call.issue.id, issue_identifier: call.issue.identifier }),
      clock: deps.clock,
      ...(call.onHook === undefined ? {} : { onFinished: call.onHook }),
    });
  };

  const resolveRoot = async (): Promise<Result<string, WorkspaceError>> => {
    const root = deps.config().workspace.root;
    try {
      const { realPath } = await deps.host.ensureDir(root);
      return ok(realPath);
    } catch (cause) {
      return err({ kind: "workspace_root_invalid", root, message: messageOf(cause) });
    }
  };

  return {
    pathFor: (identifier) => join(deps.config().workspace.root, workspaceKey(identifier)),

    async prepare(call) {
      const root = await resolveRoot();
      if (!root.ok) return root;
      const key = workspaceKey(call.issue.identifier);
      const path = join(root.value, key);
      let created: boolean;
      let realPath: string;
      try {
        ({ created, realPath } = await deps.host.ensureDir(path));
      } catch (cause) {
        return err({ kind: "workspace_create_failed", path, message: messageOf(cause) });
      }
      if (realPath === root.value) return err({ kind: "workspace_equals_root", path: realPath });
      if (!isStrictlyInside(root.value, realPath)) {
        deps.logger.error("workspace escapes root", { path: realPath, root: root.value });
        return err({ kind: "workspace_escape", path: realPath, root: root.value });
      }
      if (created) {
        const result = await hook("after_create", realPath, call);
        if (!result.ok) {
          // a half-bootstrapped new directory is removed so the next attempt starts clean
          await deps.host.remove(realPath).catch(() => {});
          return result;
        }
      }
      return ok({ path: realPath, key, createdNow: created });
    },

    runHook: (name, path, call) => hook(name, path, call),

    async remove(call, recordedPath) {
      const rootResult = await resolveRoot();
      if (!rootResult.ok) return;
      const candidate = recordedPath ?? join(rootResult.value, workspaceKey(call.issue.identifier));
      let path = candidate;
      if (deps.host.name === "local") {
        try {
          path = await realpath(candidate);
        } catch {
          return; // nothing there
        }
      }
      if (!isStrictlyInside(rootResult.value, path)) {
        deps.logger.error("refusing to remove workspace outside root", { path, root: rootResult.value });
        return;
      }
      await hook("before_remove", path, call);
      try {
        await deps.host.remove(path);
        deps.logger.info("workspace removed", { path, issue_identifier: call.issue.identifier });
      } catch (cause) {
        deps.logger.warn("workspace removal failed", { path, error: messageOf(cause) });
      }
    },
  };
}
