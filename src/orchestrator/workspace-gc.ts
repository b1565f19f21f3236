import type { ServiceConfig } from "../config/types.js";
import { messageOf } from "../domain/errors.js";
import type { Logger } from "../domain/logger.js";
import { workspaceKey } from "../workspace/key.js";
import type { WorkspaceJanitor } from "./janitor.js";
import type { OrchestratorState } from "./state.js";

/** How often kept workspaces are checked against `workspace.gc`. */
const GC_INTERVAL_MS = 60 * 60 * 1000;

/** Workspace keys of every issue that may still use its workspace (running, in backoff, blocked or parked). */
export function liveWorkspaceKeys(state: OrchestratorState): Set<string> {
  return new Set<string>([
    ...[...state.running.values()].map((e) => workspaceKey(e.issue.identifier)),
    ...[...state.retries.values()].map((r) => workspaceKey(r.identifier)),
    ...[...state.blocked.values()].map((b) => workspaceKey(b.issue.identifier)),
  ]);
}

/** Runs a workspace GC pass (janitor.collect) in the background at most once an hour on the injected clock. */
export class WorkspaceGcSchedule {
  #lastAt: number | null = null;

  constructor(
    private readonly janitor: WorkspaceJanitor,
    private readonly logger: Logger,
  ) {}

  /** Starts a pass when the last one is an hour old (or none ran yet); never awaits it. */
  maybeCollect(state: OrchestratorState, config: ServiceConfig, now: number): void {
    if (this.#lastAt !== null && now - this.#lastAt < GC_INTERVAL_MS) return;
    this.#lastAt = now;
    void this.janitor
      .collect(config, liveWorkspaceKeys(state), now)
      .catch((cause: unknown) => this.logger.warn("workspace gc failed", { error: messageOf(cause) }));
  }
}
