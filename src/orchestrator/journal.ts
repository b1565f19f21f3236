import type {
  AttemptRecord,
  BlockedRecord,
  DurableView,
  RestoredState,
  RetryRecord,
} from "../domain/run-record.js";
import type { SkipReason } from "../domain/snapshot.js";

/** An attempt as the orchestrator knows it; the journal adds the instance id and log paths. */
export type AttemptUpdate = Omit<AttemptRecord, "workerId" | "logPath" | "eventsPath">;

/** A claim the orchestrator holds (running, in backoff or blocked). */
export interface ClaimView {
  readonly issueId: string;
  readonly identifier: string;
  readonly host: string;
  readonly workspacePath: string | null;
  readonly attempt: number | null;
}

/** The durable part of the scheduling state, read by the journal when it flushes. */
export interface SchedulingView {
  readonly running: readonly AttemptUpdate[];
  readonly retries: readonly RetryRecord[];
  readonly blocked: readonly BlockedRecord[];
  readonly claims: readonly ClaimView[];
}

/** May this instance run the issue? Granted may hand over what a dead instance left for it. */
export type ClaimDecision =
  | { readonly kind: "granted"; readonly adopted: RestoredState | null }
  | { readonly kind: "refused"; readonly reason: SkipReason };

/**
 * The orchestrator's narrow hook into durable state. Recording calls are synchronous and never
 * fail (the journal batches and retries them); only `claim` is awaited, at dispatch.
 */
export interface Journal {
  /** Opens the journal; returns what a previous process left to pick up. `view` is read at each flush. */
  open(view: () => SchedulingView): Promise<RestoredState>;
  /** A run was dispatched. */
  attemptStarted(attempt: AttemptUpdate): void;
  /** A run ended (`endedAt`, `outcome` and `error` set). */
  attemptEnded(attempt: AttemptUpdate): void;
  /** Scheduling state changed (retries, blocked issues, claims): flush soon. */
  changed(): void;
  /** Takes the lease on an issue before dispatching it. */
  claim(claim: ClaimView): Promise<ClaimDecision>;
  /** Gives back a lease taken by `claim` when the dispatch did not happen (no-op if now claimed). */
  release(issueId: string): void;
  /** Store health, lifetime token usage, recent runs and leases for the snapshot (null: nothing yet). */
  durable(): DurableView | null;
  /** Flushes what is pending (bounded) and releases this instance's leases. */
  close(): Promise<void>;
}
