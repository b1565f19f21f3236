import type { ServiceConfig } from "../config/types.js";
import { messageOf } from "../domain/errors.js";
import type { Issue } from "../domain/issue.js";
import type { Logger } from "../observability/logger.js";
import type { TrackerAdapter } from "../tracker/adapter.js";
import type { WorkspaceManager } from "../workspace/manager.js";

/** Workspace removals the orchestrator starts without awaiting; tracked so shutdown can wait for them. */
export class WorkspaceJanitor {
  readonly #pending = new Set<Promise<void>>();

  constructor(
    private readonly workspaces: WorkspaceManager,
    private readonly logger: Logger,
    private readonly signal: AbortSignal,
  ) {}

  /** Starts removing an issue's workspace (`before_remove` first); never throws. */
  clean(issue: Pick<Issue, "id" | "identifier">, recordedPath: string | null): void {
    const job = this.#remove(issue, recordedPath);
    this.#pending.add(job);
    void job.finally(() => this.#pending.delete(job));
  }

  /** Spec 8.6: removes workspaces of issues already terminal; a failed fetch only logs a warning. */
  async startupCleanup(tracker: TrackerAdapter, config: ServiceConfig): Promise<void> {
    const result = await tracker.fetchIssuesByStates(
      config.tracker.terminalStates,
      AbortSignal.any([this.signal, AbortSignal.timeout(60_000)]),
    );
    if (!result.ok) {
      this.logger.warn("startup terminal cleanup skipped: fetch failed", { error: result.error.message });
      return;
    }
    this.logger.info("startup terminal cleanup", { terminal_issues: result.value.length });
    for (const issue of result.value) await this.#remove(issue, null);
  }

  /** Waits for every removal in flight. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#pending]);
  }

  async #remove(issue: Pick<Issue, "id" | "identifier">, recordedPath: string | null): Promise<void> {
    try {
      await this.workspaces.remove({ issue, signal: this.signal }, recordedPath);
    } catch (cause) {
      this.logger.warn("workspace cleanup failed", {
        issue_identifier: issue.identifier,
        error: messageOf(cause),
      });
    }
  }
}
