import type { AgentToolSpec, ToolResult } from "../../domain/agent-event.js";
import type { TrackerError, TrackerErrorCategory } from "../../domain/errors.js";
import { type Issue, normaliseState, type TrackerComment } from "../../domain/issue.js";
import { err, ok, type Result } from "../../domain/result.js";
import { type TrackerAdapter, unsupportedToolResult } from "../adapter.js";
import type { TrackerFactory } from "../factory.js";

/**
 * An in-process tracker for tests and demos: issues live in a map, edits apply on the next read.
 * `failNext` makes the next read fail with a typed error, to exercise tracker-fault handling.
 */
export class MemoryTracker implements TrackerAdapter {
  readonly kind = "memory";
  readonly #issues = new Map<string, Issue>();
  #failures: TrackerError[] = [];
  /** Number of read calls that reached the store (empty inputs never do). */
  calls = 0;

  readonly #terminal: ReadonlySet<string>;

  /** `terminalStates` lets the tracker derive blocker-based dispatchability like real adapters do. */
  constructor(issues: readonly Issue[] = [], terminalStates: readonly string[] = []) {
    for (const issue of issues) this.#issues.set(issue.id, issue);
    this.#terminal = new Set(terminalStates.map(normaliseState));
  }

  /** Adds or replaces an issue. */
  upsert(issue: Issue): void {
    this.#issues.set(issue.id, issue);
  }

  /** Changes fields of an existing issue; unknown ids are a bug. */
  update(id: string, patch: Partial<Issue>): Issue {
    const current = this.#issues.get(id);
    if (current === undefined) throw new Error(`memory tracker: unknown issue ${id}`);
    const next = { ...current, ...patch };
    this.#issues.set(id, next);
    return next;
  }

  /** Comments Symphony posted, per issue id, oldest first. */
  readonly comments = new Map<string, string[]>();

  /** {@inheritDoc TrackerAdapter.addComment} */
  async addComment(issueId: string, body: string): Promise<Result<void, TrackerError>> {
    if (!this.#issues.has(issueId)) {
      return err({ category: "tracker_request", message: `unknown issue ${issueId}`, retryable: false });
    }
    this.comments.set(issueId, [...(this.comments.get(issueId) ?? []), body]);
    this.#push(issueId, "symphony", false, body);
    return ok(undefined);
  }

  /** Every comment on each issue (Symphony's and people's), oldest first. */
  readonly #threads = new Map<string, TrackerComment[]>();

  /** Adds a comment written by someone else (a person answering, or a bot). */
  reply(issueId: string, author: string, body: string, authorIsBot = false): void {
    this.#push(issueId, author, authorIsBot, body);
  }

  #push(issueId: string, author: string, authorIsBot: boolean, body: string): void {
    const thread = this.#threads.get(issueId) ?? [];
    const id = String(thread.length + 1);
    thread.push({ id, author, authorIsBot, body, createdAt: null });
    this.#threads.set(issueId, thread);
  }

  /** {@inheritDoc TrackerAdapter.listComments} */
  async listComments(issueId: string): Promise<Result<TrackerComment[], TrackerError>> {
    const failure = this.#take();
    if (failure !== null) return err(failure);
    return ok([...(this.#threads.get(issueId) ?? [])]);
  }

  /** Removes an issue (it becomes invisible to reads). */
  remove(id: string): void {
    this.#issues.delete(id);
  }

  /** Makes the next read fail with this category. */
  failNext(category: TrackerErrorCategory = "tracker_request", message = "injected failure"): void {
    this.#failures.push({ category, message, retryable: true });
  }

  /** All issues, in insertion order. */
  all(): Issue[] {
    return [...this.#issues.values()];
  }

  async fetchIssuesByStates(
    states: readonly string[],
    _signal?: AbortSignal,
  ): Promise<Result<Issue[], TrackerError>> {
    if (states.length === 0) return ok([]);
    const failure = this.#take();
    if (failure !== null) return err(failure);
    const wanted = new Set(states.map(normaliseState));
    return ok(
      this.all()
        .filter((i) => wanted.has(normaliseState(i.state)))
        .map((i) => this.#view(i)),
    );
  }

  async fetchIssuesByIds(
    ids: readonly string[],
    _signal?: AbortSignal,
  ): Promise<Result<Issue[], TrackerError>> {
    if (ids.length === 0) return ok([]);
    const failure = this.#take();
    if (failure !== null) return err(failure);
    const out: Issue[] = [];
    for (const id of new Set(ids)) {
      const issue = this.#issues.get(id);
      if (issue !== undefined) out.push(this.#view(issue));
    }
    return ok(out);
  }

  toolSpecs(): readonly AgentToolSpec[] {
    return [];
  }

  async executeTool(name: string): Promise<ToolResult> {
    return unsupportedToolResult(
      name,
      this.toolSpecs().map((s) => s.name),
    );
  }

  secretEnvNames(): readonly string[] {
    return [];
  }

  rateLimits(): Readonly<Record<string, unknown>> | null {
    return null;
  }

  async close(): Promise<void> {}

  /** A Todo issue with a blocker that is not terminal (or of unknown state) is not dispatchable. */
  #view(issue: Issue): Issue {
    if (!issue.dispatchable || normaliseState(issue.state) !== "todo") return issue;
    const blocked = issue.blockedBy.some(
      (b) => b.state === null || !this.#terminal.has(normaliseState(b.state)),
    );
    return blocked ? { ...issue, dispatchable: false } : issue;
  }

  #take(): TrackerError | null {
    this.calls += 1;
    return this.#failures.shift() ?? null;
  }
}

/** Builds a memory tracker from `tracker.provider.issues`. */
export const createMemoryTracker: TrackerFactory<"memory"> = (config) => {
  const settings = config.tracker.provider;
  return new MemoryTracker(settings.issues ?? [], config.tracker.terminalStates);
};
