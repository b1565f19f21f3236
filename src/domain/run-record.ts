import type { TokenCounts } from "./agent-event.js";
import type { RunError, RunOutcome } from "./run-error.js";

/** How a recorded attempt ended; `interrupted` = the process died while it ran. */
export type AttemptOutcome = RunOutcome | "interrupted";

/** Why an attempt did not end normally, as data. */
export interface AttemptError {
  /** Stable code: `worker_failed`, `cancelled`, `blocked`, `interrupted`, `stall`, … */
  readonly code: string;
  readonly message: string;
}

/** One worker attempt as the durable store keeps it. Times are epoch ms. */
export interface AttemptRecord {
  readonly runId: string;
  readonly issueId: string;
  readonly identifier: string;
  /** Null on a first dispatch, the retry attempt number afterwards. */
  readonly attempt: number | null;
  readonly backend: string;
  readonly host: string;
  /** The instance that ran it (`<hostname>:<pid>:<random>`). */
  readonly workerId: string;
  readonly startedAt: number;
  /** Null while it runs (or when the process died before recording the end). */
  readonly endedAt: number | null;
  readonly outcome: AttemptOutcome | null;
  readonly error: AttemptError | null;
  readonly turns: number;
  readonly tokens: TokenCounts;
  /** USD, when the backend reports a price; null otherwise. */
  readonly costUsd: number | null;
  readonly sessionId: string | null;
  readonly workspacePath: string | null;
  /** The run's log file and event record (`symphony replay`), when run logs are on. */
  readonly logPath: string | null;
  readonly eventsPath: string | null;
}

/** A retry waiting for its due time, as stored. */
export interface RetryRecord {
  readonly issueId: string;
  readonly identifier: string;
  readonly url: string | null;
  readonly attempt: number;
  readonly dueAt: number;
  readonly kind: "continuation" | "failure";
  readonly error: RunError | null;
  readonly workspacePath: string | null;
  readonly host: string | null;
}

/** An issue parked on a person's answer, as stored. */
export interface BlockedRecord {
  readonly issueId: string;
  readonly identifier: string;
  readonly url: string | null;
  readonly state: string;
  readonly kind: "user_input" | "approval" | "elicitation";
  readonly question: string;
  readonly blockedAt: number;
  readonly sessionId: string | null;
  readonly workspacePath: string | null;
  readonly host: string;
}

/** A claim on an issue held by one instance until `expiresAt` unless renewed. */
export interface LeaseRecord {
  readonly issueId: string;
  readonly identifier: string;
  readonly workerId: string;
  readonly host: string;
  readonly workspacePath: string | null;
  readonly attempt: number | null;
  readonly lastSeen: number;
  readonly expiresAt: number;
}

/** Token totals across every recorded attempt (the `token_usage` block). */
export interface TokenUsage extends TokenCounts {
  readonly attempts: number;
  readonly costUsd: number;
}

/** What a process that starts finds in the store: work to pick up where the previous one stopped. */
export interface RestoredState {
  readonly retries: readonly RetryRecord[];
  readonly blocked: readonly BlockedRecord[];
  /** Attempts that were running when their process died; each is retried with backoff. */
  readonly interrupted: readonly AttemptRecord[];
}

/** The store's health as status surfaces show it. */
export interface StoreHealth {
  readonly kind: string;
  /** Where it is: a file path, or the database URL without credentials. */
  readonly location: string;
  readonly ok: boolean;
  /** The last failure (typed code + message), null when healthy. */
  readonly error: { readonly code: string; readonly message: string } | null;
  /** Writes waiting to be flushed (they are retried while the store is failing). */
  readonly pendingWrites: number;
  /** True when other instances may share this store (leases decide who runs what). */
  readonly shared: boolean;
}

/** The durable part of a snapshot: store health, lifetime totals, recent runs and leases. */
export interface DurableView {
  readonly health: StoreHealth;
  /** Totals of every attempt recorded before this process started plus those it finished. */
  readonly tokenUsage: TokenUsage;
  /** Newest first, bounded. */
  readonly recentRuns: readonly AttemptRecord[];
  readonly leases: readonly LeaseRecord[];
}
