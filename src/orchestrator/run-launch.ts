import type { AgentEvent } from "../domain/agent-event.js";
import type { ObserverEvent } from "../domain/snapshot.js";
import type { LoadedWorkflow } from "../workflow/types.js";
import type { OrchestratorDeps } from "./deps.js";
import { crashedExit } from "./exit.js";
import { workspaceChangedDuring } from "./spend-hooks.js";
import type { RunningEntry } from "./state.js";
import type { WorkerExit } from "./worker.js";

/** What starting one worker needs besides the running entry. */
export interface LaunchContext {
  readonly deps: Pick<OrchestratorDeps, "launch" | "clock" | "probeWorkspace">;
  readonly workflow: LoadedWorkflow;
  /** Aborted when a grace period for `after_run`/removal hooks ends at shutdown. */
  readonly cleanupSignal: AbortSignal;
  readonly onEvent: (event: AgentEvent) => void;
  readonly notify: (event: ObserverEvent) => void;
  /** The worker ended (a launch or worker crash becomes a failed exit); the workspace probe is done. */
  readonly onExit: (exit: WorkerExit, workspaceChanged: boolean | null) => void;
}

/**
 * Starts the worker of a running entry and returns a promise that settles once its exit is handed on;
 * it never rejects. Hook reports become timeline entries and `hook_finished` events, the workspace
 * path is recorded on the entry as soon as the worker knows it.
 */
export function launchWorker(entry: RunningEntry, ctx: LaunchContext): Promise<void> {
  const { issue, runId, attempt, host } = entry;
  let done: Promise<WorkerExit>;
  try {
    done = ctx.deps.launch({
      issue,
      attempt,
      runId,
      host,
      resume: entry.resume,
      workflow: ctx.workflow,
      signal: entry.controller.signal,
      cleanupSignal: ctx.cleanupSignal,
      onEvent: ctx.onEvent,
      onHook: (report) => {
        const at = ctx.deps.clock.now();
        entry.recent.push({ at, event: "hook", message: `${report.hook} ${report.ok ? "ok" : "failed"}` });
        ctx.notify({ type: "hook_finished", issueId: issue.id, identifier: issue.identifier, ...report });
      },
      onWorkspace: (path) => {
        entry.workspacePath = path;
      },
    });
  } catch (cause) {
    done = Promise.resolve(crashedExit("worker_spawn_failed", cause));
  }
  return done
    .catch((cause): WorkerExit => crashedExit("worker_crashed", cause))
    .then(async (exit) => {
      const workspaceChanged = await workspaceChangedDuring(entry, ctx.deps.probeWorkspace);
      ctx.onExit(exit, workspaceChanged);
    });
}
