import type { AgentToolSpec, ToolResult } from "../../domain/agent-event.js";
import type { TrackerError } from "../../domain/errors.js";
import { type Issue, normaliseState } from "../../domain/issue.js";
import type { Logger } from "../../domain/logger.js";
import { err, ok, type Result } from "../../domain/result.js";
import { type ToolContext, type TrackerAdapter, unsupportedToolResult } from "../adapter.js";
import type { TrackerFactory } from "../factory.js";
import { WarnOnce } from "../warn-once.js";
import type { IssueRecord } from "./issue-file.js";
import { LocalIssueStore } from "./store.js";
import { executeUpdateIssue, UPDATE_ISSUE_TOOL } from "./tools.js";

/**
 * The embedded tracker: one Markdown file per issue in a folder (no account, no network).
 * Every read goes to disk, so edits by people are seen on the next poll.
 */
export class LocalTracker implements TrackerAdapter {
  readonly kind = "local";
  readonly store: LocalIssueStore;
  readonly #terminal: ReadonlySet<string>;
  readonly #malformed: WarnOnce;

  constructor(folder: string, terminalStates: readonly string[], logger: Logger) {
    this.store = new LocalIssueStore(folder);
    this.#terminal = new Set(terminalStates.map(normaliseState));
    this.#malformed = new WarnOnce(logger);
  }

  async fetchIssuesByStates(
    states: readonly string[],
    _signal?: AbortSignal,
  ): Promise<Result<Issue[], TrackerError>> {
    if (states.length === 0) return ok([]);
    const all = await this.store.readAll();
    if (!all.ok) {
      // a missing folder is a settings problem, not an unreachable tracker (doctor's advice follows the category)
      const category = all.error.kind === "missing_folder" ? "invalid_tracker_config" : "tracker_request";
      return err({ category, message: all.error.message, retryable: true });
    }
    const seen = new Set<string>();
    for (const bad of all.value.malformed) {
      seen.add(bad.file);
      this.#malformed.warn(`${bad.file}\u0000${bad.reason}`, "skipping malformed issue file", {
        file: bad.file,
        reason: bad.reason,
      });
    }
    const stateOf = new Map(all.value.records.map((r) => [r.identifier, r.state]));
    const wanted = new Set(states.map(normaliseState));
    const out: Issue[] = [];
    for (const record of all.value.records) {
      if (wanted.has(normaliseState(record.state)))
        out.push(this.#toIssue(record, (id) => stateOf.get(id) ?? null));
    }
    return ok(out);
  }

  async fetchIssuesByIds(
    ids: readonly string[],
    _signal?: AbortSignal,
  ): Promise<Result<Issue[], TrackerError>> {
    if (ids.length === 0) return ok([]);
    const records: IssueRecord[] = [];
    for (const id of new Set(ids)) {
      const read = await this.store.read(id);
      if (!read.ok) return err({ category: "tracker_response", message: read.error, retryable: true });
      if (read.value !== null) records.push(read.value);
    }
    const blockerStates = new Map<string, string | null>();
    for (const record of records) {
      for (const blocker of record.blockedBy) {
        if (blockerStates.has(blocker)) continue;
        const read = await this.store.read(blocker);
        blockerStates.set(blocker, read.ok && read.value !== null ? read.value.state : null);
      }
    }
    return ok(records.map((r) => this.#toIssue(r, (id) => blockerStates.get(id) ?? null)));
  }

  toolSpecs(): readonly AgentToolSpec[] {
    return [UPDATE_ISSUE_TOOL];
  }

  /** {@inheritDoc TrackerAdapter.addComment} */
  async addComment(issueId: string, body: string): Promise<Result<void, TrackerError>> {
    const written = await this.store.update(issueId, { comment: body });
    return written.ok
      ? ok(undefined)
      : err({ category: "tracker_request", message: written.error, retryable: true });
  }

  async executeTool(name: string, args: unknown, context: ToolContext): Promise<ToolResult> {
    if (name !== UPDATE_ISSUE_TOOL.name) {
      return unsupportedToolResult(
        name,
        this.toolSpecs().map((s) => s.name),
      );
    }
    return executeUpdateIssue(this.store, args, context);
  }

  secretEnvNames(): readonly string[] {
    return [];
  }

  rateLimits(): Readonly<Record<string, unknown>> | null {
    return null;
  }

  async close(): Promise<void> {}

  #toIssue(record: IssueRecord, stateOf: (identifier: string) => string | null): Issue {
    const blockedBy = record.blockedBy.map((identifier) => ({
      id: identifier,
      identifier,
      state: stateOf(identifier),
    }));
    const todo = normaliseState(record.state) === "todo";
    const blocked =
      todo && blockedBy.some((b) => b.state === null || !this.#terminal.has(normaliseState(b.state)));
    return {
      id: record.identifier,
      identifier: record.identifier,
      title: record.title,
      description: record.description,
      priority: record.priority,
      state: record.state,
      branchName: null,
      url: null,
      assigneeId: null,
      labels: record.labels,
      blockedBy,
      dispatchable: !blocked,
      nativeRef: null,
      createdAt: record.createdAt,
      updatedAt: null,
    };
  }
}

/** Builds the local tracker from `tracker.provider.path` (already resolved to an absolute folder). */
export const createLocalTracker: TrackerFactory<"local"> = (config, deps) => {
  const settings = config.tracker.provider;
  return new LocalTracker(
    settings.path,
    config.tracker.terminalStates,
    deps.logger.child({ tracker: "local" }),
  );
};
