import type { AgentEvent, TokenCounts } from "./agent-event.js";
import type { LimitTrip } from "./limit-trip.js";
import type { PublicRunError, RunError, RunOutcome } from "./run-error.js";
import type { AttemptRecord, DurableView } from "./run-record.js";

/** One line of an issue's recent event timeline. */
export interface TimelineEntry {
  readonly at: number;
  readonly event: AgentEvent["type"] | "hook" | "dispatch" | "exit";
  readonly message: string;
}

/** A running worker, as dashboards see it. Times are epoch ms. */
export interface RunningRow {
  readonly issueId: string;
  readonly identifier: string;
  readonly title: string;
  readonly url: string | null;
  readonly state: string;
  /** The backend this run uses. */
  readonly backend: string;
  /** The `profiles:` entry that selected the backend (by label or state); null for `agent.backend`. */
  readonly profile: string | null;
  readonly host: string;
  readonly workspacePath: string | null;
  readonly sessionId: string | null;
  readonly pid: string | null;
  /** 1-based retry/continuation attempt, null on a first run. */
  readonly attempt: number | null;
  readonly turnCount: number;
  readonly startedAt: number;
  readonly lastEvent: AgentEvent["type"] | null;
  readonly lastMessage: string | null;
  readonly lastEventAt: number | null;
  readonly tokens: TokenCounts;
  /** Cost of this run so far in US dollars (0 when the backend reports no tokens or the price is unknown). */
  readonly costUsd: number;
  /** Unique id of this worker run (names its per-issue log files). */
  readonly runId: string;
  /** Most recent events, oldest first (bounded). */
  readonly recentEvents: readonly TimelineEntry[];
  /** The answer from the tracker this run resumed with; null for an ordinary attempt. */
  readonly answer?: { readonly author: string | null; readonly text: string } | null;
}

/** A queued retry. */
export interface RetryRow {
  readonly issueId: string;
  readonly identifier: string;
  readonly url: string | null;
  readonly attempt: number;
  readonly dueAt: number;
  readonly kind: "continuation" | "failure";
  /** `code: message` of {@link errorDetail}, kept for the spec's string field. */
  readonly error: string | null;
  /** Why the previous attempt failed, typed (no `cause`); null for a continuation. */
  readonly errorDetail?: PublicRunError | null;
  readonly workspacePath: string | null;
  /** Host the next attempt prefers (the previous attempt's), null when any host will do. */
  readonly host?: string | null;
}

/** An issue waiting for a person or parked by a limit; it stays claimed until released. */
export interface BlockedRow {
  readonly issueId: string;
  readonly identifier: string;
  readonly url: string | null;
  readonly state: string;
  readonly kind: "user_input" | "approval" | "elicitation" | LimitTrip["reason"];
  /** The limit that parked the issue (kind `budget` or `no_progress`); null when a person is awaited. */
  readonly limit: LimitTrip | null;
  readonly question: string;
  readonly blockedAt: number;
  readonly sessionId: string | null;
  readonly workspacePath: string | null;
  /** Host the blocked run (and its workspace) is on. */
  readonly host?: string;
  /** The run's last agent event before it blocked. */
  readonly lastEvent?: string | null;
  readonly lastMessage?: string | null;
  readonly lastEventAt?: number | null;
  /** Where the answer is awaited: `tracker` once the question was posted as a comment there. */
  readonly waitingIn?: "tracker" | "dashboard";
}

/** The last run of an issue this process ran (a bounded in-memory history). */
export interface FinishedRow {
  readonly issueId: string;
  readonly identifier: string;
  readonly title: string;
  readonly url: string | null;
  /** The tracker state when the run started. */
  readonly state: string;
  readonly runId: string;
  readonly outcome: RunOutcome;
  readonly reason: string | null;
  readonly endedAt: number;
  readonly workspacePath: string | null;
  readonly host: string;
  /** The backend that ran (null when unknown) and the `profiles:` entry that chose it. */
  readonly backend?: string | null;
  readonly profile?: string | null;
}

/** Why a candidate was not dispatched on the last tick. */
export type SkipReason =
  | { readonly kind: "blocked_by"; readonly blockers: readonly string[] }
  | { readonly kind: "not_dispatchable" }
  | { readonly kind: "missing_labels"; readonly labels: readonly string[] }
  | { readonly kind: "state_not_active"; readonly state: string }
  | { readonly kind: "running" }
  | { readonly kind: "claimed" }
  | { readonly kind: "in_backoff"; readonly dueAt: number }
  | { readonly kind: "blocked_on_input" }
  | { readonly kind: "no_global_slot"; readonly limit: number }
  | { readonly kind: "state_cap"; readonly state: string; readonly limit: number }
  | { readonly kind: "no_host_capacity" }
  | { readonly kind: "circuit_open"; readonly scope: string; readonly retryAt: number | null }
  | /** Another instance holds the lease on this issue. */ {
      readonly kind: "leased_elsewhere";
      readonly holder: string;
      readonly expiresAt: number;
    }
  | /** Leases are shared through a store that cannot be reached: dispatching could run an issue twice. */ {
      readonly kind: "store_unavailable";
      readonly message: string;
    };

/** A circuit breaker (per agent backend, per tracker) as dashboards see it. */
export interface CircuitRow {
  /** `agent:<backend>` or `tracker:<kind>`. */
  readonly scope: string;
  readonly state: "closed" | "open" | "half_open";
  /** Kind of the failures counted in a row: auth, server (5xx) or rate_limit; null when none. */
  readonly kind: "auth" | "server" | "rate_limit" | null;
  readonly failures: number;
  /** When an open circuit lets one probe through (epoch ms); null unless open. */
  readonly retryAt: number | null;
}

/** A candidate that was not dispatched, and why. */
export interface SkipRow {
  readonly issueId: string;
  readonly identifier: string;
  readonly state: string;
  readonly reason: SkipReason;
}

/** Aggregates across every backend. `secondsRunning` includes live sessions at snapshot time. */
export interface AgentTotals extends TokenCounts {
  /** US dollars counted for priced models (see docs/spend-and-safety.md). */
  readonly costUsd: number;
  readonly secondsRunning: number;
  readonly runsStarted: number;
  readonly runsSucceeded: number;
  readonly runsFailed: number;
}

/** Spend within one period: tokens and US$ (what priced usage and agents' own reports added up to). */
export interface PeriodSpendView {
  readonly tokens: number;
  readonly costUsd: number;
}

/** One configured budget (`limits.budgets[index]`) and what its scope spent in the current period. */
export interface BudgetView {
  readonly key: string;
  readonly period: "day" | "month";
  readonly label: string | null;
  readonly state: string | null;
  readonly spent: PeriodSpendView;
  /** Null = `unlimited`. */
  readonly maxTokens: number | null;
  readonly maxCostUsd: number | null;
  /** When the period starts over (epoch ms). */
  readonly resetsAt: number;
}

/** Spend of every issue in the current UTC day and month, and each budget's use (counts kept in the store). */
export interface SpendView {
  readonly today: PeriodSpendView;
  readonly month: PeriodSpendView;
  readonly budgets: readonly BudgetView[];
}

/** The immutable picture of the orchestrator that every status surface renders from. */
export interface OrchestratorSnapshot {
  readonly generatedAt: number;
  readonly running: readonly RunningRow[];
  readonly retrying: readonly RetryRow[];
  readonly blocked: readonly BlockedRow[];
  readonly skipped: readonly SkipRow[];
  /** Issues whose last run ended in this process, newest last (absent in older snapshot sources). */
  readonly finished?: readonly FinishedRow[];
  readonly totals: AgentTotals;
  /** Latest agent/model rate-limit payload, if any. */
  readonly rateLimits: Readonly<Record<string, unknown>> | null;
  /** Latest tracker rate-limit figures (requests/complexity remaining), if the adapter reports them. */
  readonly trackerRateLimits: Readonly<Record<string, unknown>> | null;
  readonly polling: {
    readonly intervalMs: number;
    readonly checking: boolean;
    readonly lastTickAt: number | null;
    readonly nextTickAt: number | null;
  };
  /** Durable state: store health, lifetime token usage, recent runs, leases; null/absent without a store. */
  readonly durable?: DurableView | null;
  readonly limits: { readonly maxConcurrentAgents: number };
  /** Spend today and this month and each budget's use; null/absent without spend control. */
  readonly spend?: SpendView | null;
  /** Circuit breakers that counted a failure (an open one pauses dispatch or polling). */
  readonly circuits: readonly CircuitRow[];
  readonly workflow: {
    readonly path: string;
    readonly trackerKind: string;
    readonly backend: string;
    /** The resolved `workspace.root` (issues without a recorded path live at `<root>/<key>`). */
    readonly workspaceRoot?: string;
    /** Last config/validation/tracker error shown to operators, null when healthy. */
    readonly lastError: string | null;
  };
}

/** A change observers are told about. Observers never mutate scheduling state. */
export type ObserverEvent =
  | { readonly type: "snapshot_changed" }
  | {
      readonly type: "agent_event";
      readonly issueId: string;
      readonly identifier: string;
      readonly event: AgentEvent;
    }
  | {
      /** A worker attempt was dispatched. */
      readonly type: "run_started";
      readonly issueId: string;
      readonly identifier: string;
      readonly runId: string;
      readonly attempt: number | null;
    }
  | {
      /** A workspace hook finished (any outcome). */
      readonly type: "hook_finished";
      readonly issueId: string;
      readonly identifier: string;
      readonly hook: "after_create" | "before_run" | "after_run" | "before_remove";
      readonly ok: boolean;
      readonly exitCode: number | null;
      readonly timedOut: boolean;
      readonly durationMs: number;
      /** Captured hook output, cut to a log excerpt; null when there was none. */
      readonly output: string | null;
    }
  | {
      /** A worker attempt ended; `reason` says why when it did not complete. */
      readonly type: "run_ended";
      readonly issueId: string;
      readonly identifier: string;
      readonly runId: string;
      readonly outcome: RunOutcome;
      readonly reason: string | null;
      /** The typed failure of a `failed`, `timed_out` or `stalled` run. */
      readonly error: RunError | null;
      /** What the run used: turns, total tokens, and cost in US$ (null when nothing priced it). */
      readonly usage?: {
        readonly turns: number;
        readonly totalTokens: number;
        readonly costUsd: number | null;
      };
    };

/** What status surfaces (terminal, HTTP, SSE, metrics) are given: read access plus one trigger. */
export interface StatusSource {
  /** A fresh immutable snapshot. */
  snapshot(): OrchestratorSnapshot;
  /** Registers an observer; returns the unsubscribe function. Listeners are never awaited. */
  subscribe(listener: (event: ObserverEvent) => void): () => void;
  /** Queues an immediate poll + reconcile; `coalesced` when one was already queued or running. */
  requestRefresh(): { readonly coalesced: boolean; readonly stopping?: boolean };
  /** Recorded attempts of an issue (id or identifier), newest first; absent without a store. */
  history?(issue: string): Promise<readonly AttemptRecord[]>;
}
