import type { ServiceConfig } from "../config/types.js";
import { messageOf } from "../domain/errors.js";
import type { Issue } from "../domain/issue.js";
import type { Logger } from "../domain/logger.js";
import { LOCAL_HOST_NAME } from "../hosts/host-resolver.js";
import { keptWorkspaces, logCollection, workspacesToCollect } from "../rescue/gc.js";
import type { TrackerAdapter } from "../tracker/adapter.js";
import { workspaceKey } from "../workspace/key.js";
import type { WorkspaceManager } from "../workspace/manager.js";

/** Workspace removals the orchestrator starts without awaiting; tracked so shutdown can wait for them. */
export class WorkspaceJanitor {
  readonly #pending = new Set<Promise<void>>();

  constructor(
    private readonly workspaces: WorkspaceManager,
    private readonly logger: Logger,
    private readonly signal: AbortSignal,
    /** The configured worker hosts (SSH destinations or the selected host kind's pool, current config); empty = local. */
    private readonly sshHosts: () => readonly string[],
  ) {}

  /**
   * Starts removing an issue's workspace (`before_remove` first) on `host`; with no recorded host, on
   * every configured SSH host (or locally when none is configured). Never throws.
   */
  clean(issue: Pick<Issue, "id" | "identifier">, recordedPath: string | null, host: string | null): void {
    const job = this.#removeOn(issue, recordedPath, host);
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
    if (result.value.length === 0) return;
    // no host is recorded for these: look on every host, listing each root once instead of probing
    // per issue, so many terminal issues or a dead worker cannot hold up startup for long
    await Promise.all(
      this.#everyHost().map(async (host) => {
        const existing = await this.workspaces.listWorkspaces(host, this.signal);
        if (existing === null) {
          this.logger.warn("startup terminal cleanup skipped on host: workspace root unreadable", { host });
          return;
        }
        for (const issue of result.value) {
          if (existing.has(workspaceKey(issue.identifier))) await this.#remove(issue, null, host);
        }
      }),
    );
  }

  /** Starts rescuing a parked issue's workspace without removing it. Never throws. */
  rescue(issue: Pick<Issue, "id" | "identifier">, path: string, host: string, reason: string): void {
    const job = this.workspaces
      .rescue({ issue, signal: this.signal, host }, path, reason)
      .catch((cause: unknown) =>
        this.logger.warn("workspace rescue failed", {
          issue_identifier: issue.identifier,
          error: messageOf(cause),
        }),
      );
    this.#pending.add(job);
    void job.finally(() => this.#pending.delete(job));
  }

  /**
   * Workspace garbage collection (`workspace.gc`, local host only): removes kept workspaces past the age
   * limit and then the oldest until the total fits, never one in `live`, each through the rescue.
   */
  async collect(config: ServiceConfig, live: ReadonlySet<string>, now: number): Promise<number> {
    if (this.sshHosts().length > 0) return 0;
    const kept = await keptWorkspaces(config.workspace.root);
    const chosen = workspacesToCollect(kept, live, config.workspace.gc, now);
    logCollection(this.logger, chosen);
    for (const w of chosen) this.clean({ id: w.key, identifier: w.key }, w.path, LOCAL_HOST_NAME);
    return chosen.length;
  }

  /** Waits for every removal in flight. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#pending]);
  }

  async #removeOn(
    issue: Pick<Issue, "id" | "identifier">,
    recordedPath: string | null,
    host: string | null,
  ): Promise<void> {
    if (host !== null) return this.#remove(issue, recordedPath, host);
    await Promise.all(this.#everyHost().map((h) => this.#remove(issue, null, h)));
  }

  /** Every configured SSH host, or the local host when none is configured. */
  #everyHost(): string[] {
    const configured = this.sshHosts();
    return configured.length === 0 ? [LOCAL_HOST_NAME] : [...new Set(configured)];
  }

  async #remove(
    issue: Pick<Issue, "id" | "identifier">,
    recordedPath: string | null,
    host: string,
  ): Promise<void> {
    try {
      await this.workspaces.remove({ issue, signal: this.signal, host }, recordedPath);
    } catch (cause) {
      this.logger.warn("workspace cleanup failed", {
        issue_identifier: issue.identifier,
        host,
        error: messageOf(cause),
      });
    }
  }
}
