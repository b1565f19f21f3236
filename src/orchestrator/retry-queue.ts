import type { Issue } from "../domain/issue.js";
import type { RunError } from "../domain/run-error.js";
import type { Clock } from "../util/clock.js";
import { ANY_HOST, type HostPreference } from "./host-slots.js";
import { CONTINUATION_DELAY_MS, failureDelayMs } from "./retry.js";
import type { RetryEntry } from "./state.js";

/** A retry to schedule. */
export interface RetryRequest {
  readonly issue: Pick<Issue, "id" | "identifier" | "url">;
  readonly attempt: number;
  readonly kind: "continuation" | "failure";
  readonly error: RunError | null;
  readonly workspacePath: string | null;
  readonly maxBackoffMs: number;
  /** Host affinity of the next attempt; default: any host. */
  readonly placement?: HostPreference;
  /** A recorded due time to keep (a restored retry); default: now plus the backoff. */
  readonly dueAt?: number;
}

/**
 * Retry entries and their timers (spec 8.4). Scheduling cancels the previous timer for the issue;
 * each entry has a unique token so a late timer of a replaced entry is recognised as stale.
 */
export class RetryQueue {
  readonly #entries: Map<string, RetryEntry>;
  readonly #clock: Clock;
  readonly #fire: (issueId: string, token: number) => void;
  #token = 0;

  constructor(
    entries: Map<string, RetryEntry>,
    clock: Clock,
    fire: (issueId: string, token: number) => void,
  ) {
    this.#entries = entries;
    this.#clock = clock;
    this.#fire = fire;
  }

  /** Schedules (or replaces) the retry of an issue; returns the entry. */
  schedule(request: RetryRequest): RetryEntry {
    this.cancel(request.issue.id);
    const backoff =
      request.kind === "continuation"
        ? CONTINUATION_DELAY_MS
        : failureDelayMs(request.attempt, request.maxBackoffMs);
    const delay = request.dueAt === undefined ? backoff : Math.max(request.dueAt - this.#clock.now(), 0);
    this.#token += 1;
    const token = this.#token;
    const issueId = request.issue.id;
    const entry: RetryEntry = {
      issueId,
      identifier: request.issue.identifier,
      url: request.issue.url,
      attempt: request.attempt,
      dueAt: this.#clock.now() + delay,
      kind: request.kind,
      error: request.error,
      workspacePath: request.workspacePath,
      placement: request.placement ?? ANY_HOST,
      token,
      timer: this.#clock.setTimer(delay, () => this.#fire(issueId, token)),
    };
    this.#entries.set(issueId, entry);
    return entry;
  }

  /** Removes an issue's retry and its timer. */
  cancel(issueId: string): void {
    const existing = this.#entries.get(issueId);
    if (existing === undefined) return;
    this.#clock.clearTimer(existing.timer);
    this.#entries.delete(issueId);
  }

  /** Pops the entry a timer fired for; undefined when the timer is stale. */
  take(issueId: string, token: number): RetryEntry | undefined {
    const entry = this.#entries.get(issueId);
    if (entry === undefined || entry.token !== token) return undefined;
    this.#entries.delete(issueId);
    return entry;
  }

  /** Cancels everything. */
  clear(): void {
    for (const id of [...this.#entries.keys()]) this.cancel(id);
  }
}
