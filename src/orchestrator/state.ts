import type { AgentEvent } from "../domain/agent-event.js";
import type { Issue } from "../domain/issue.js";
import type { LimitTrip } from "../domain/limit-trip.js";
import type { RunError, RunOutcome } from "../domain/run-error.js";
import type { TimelineEntry } from "../domain/snapshot.js";
import type { TimerHandle } from "../util/clock.js";
import type { HostPreference } from "./host-slots.js";

/** Mutable token counters. */
export interface Counts {
  input: number;
  output: number;
  total: number;
}

/** Why the orchestrator stopped a run; decides what happens at its exit. */
export type StopReason =
  | { readonly kind: "terminal"; readonly issue: Issue }
  | { readonly kind: "inactive"; readonly state: string }
  | { readonly kind: "unroutable" }
  | { readonly kind: "missing" }
  | { readonly kind: "stall"; readonly elapsedMs: number }
  | { readonly kind: "limit"; readonly trip: LimitTrip }
  | { readonly kind: "shutdown" };

/** A live worker (spec 16.4 running entry). Mutated only by the orchestrator. */
export interface RunningEntry {
  issue: Issue;
  readonly runId: string;
  readonly attempt: number | null;
  readonly startedAt: number;
  readonly controller: AbortController;
  /** The backend this run uses (its profile's, or `agent.backend`). */
  readonly backend: string;
  /** The `profiles:` entry that chose it; null for the top-level `agent.backend`. */
  readonly profile: string | null;
  /** `local` or the SSH destination this run (and its workspace) is on. */
  readonly host: string;
  /** Set once, when the orchestrator decided to stop this run. */
  stop: StopReason | null;
  workspacePath: string | null;
  sessionId: string | null;
  /** The backend's conversation id (codex thread, claude session) a later attempt can resume. */
  threadId: string | null;
  /** The person's answer this run resumed with; null for an ordinary attempt. */
  readonly resume: ResumeWith | null;
  pid: string | null;
  turnCount: number;
  lastEvent: AgentEvent["type"] | null;
  lastMessage: string | null;
  lastEventAt: number | null;
  /** Receipt time of the last event that shows agent progress (stall detection; stderr is not progress). */
  lastProgressAt: number | null;
  /** Accumulated growth counted for this run. */
  readonly tokens: Counts;
  /** High-water marks of the absolute session totals the backend reported. */
  readonly reported: Counts;
  /** Latest question when the agent asked for a person. */
  input: { readonly kind: "user_input" | "approval" | "elicitation"; readonly question: string } | null;
  readonly recent: TimelineEntry[];
  /** Model the backend reported for this session (prices token usage), null when unknown. */
  model: string | null;
  /** High-water mark of the absolute cached-input total the backend reported. */
  cachedInputReported: number;
  /** High-water mark of the absolute session cost the backend reported (agents that price themselves). */
  costReported: number;
  /** Cost counted for this run in US dollars (0 when the model's price is unknown). */
  costUsd: number;
  /** True once some usage of this run was priced (a known model, or cost the agent reported). */
  costKnown: boolean;
  /** Workspace fingerprint when the agent session started (for no-progress detection). */
  workspaceAtStart: Promise<string | null> | null;
}

/** An answer from the tracker that a new attempt starts with, in the session that asked. */
export interface ResumeWith {
  /** The conversation to resume (codex thread id …); null starts a new one with the question restated. */
  readonly threadId: string | null;
  readonly question: string;
  readonly answer: string;
  readonly author: string | null;
}

/** A queued retry (spec 4.1.7). */
export interface RetryEntry {
  readonly issueId: string;
  readonly identifier: string;
  readonly url: string | null;
  readonly attempt: number;
  readonly dueAt: number;
  readonly kind: "continuation" | "failure";
  /** Why the previous attempt failed, typed to the edge; null for a continuation. */
  readonly error: RunError | null;
  readonly workspacePath: string | null;
  /** Host affinity of the next attempt (the previous host, or one to avoid after it was unreachable). */
  readonly placement: HostPreference;
  /** Unique per entry; a timer whose token no longer matches is stale and ignored. */
  readonly token: number;
  readonly timer: TimerHandle;
}

/** An issue whose agent is waiting for a person, or parked by a limit. It stays claimed. */
export interface BlockedEntry {
  issue: Issue;
  readonly kind: "user_input" | "approval" | "elicitation" | LimitTrip["reason"];
  /** The limit that parked it; null when a person is awaited. */
  readonly limit: LimitTrip | null;
  readonly question: string;
  readonly blockedAt: number;
  readonly sessionId: string | null;
  readonly workspacePath: string | null;
  /** Host the blocked run and its workspace are on. */
  readonly host: string;
  /** The run's last agent event before it blocked (what the operator sees beside the question). */
  readonly lastEvent: string | null;
  readonly lastMessage: string | null;
  readonly lastEventAt: number | null;
  /** The question was posted on the tracker; a reply there resumes the run. */
  askedInTracker?: boolean;
  /** The blocked run's conversation id (to resume it with the answer). */
  readonly threadId?: string | null;
}

/** The last run of an issue this process ran, kept after the issue leaves every live table. */
export interface FinishedEntry {
  readonly issue: Issue;
  readonly runId: string;
  readonly outcome: RunOutcome;
  readonly reason: string | null;
  readonly endedAt: number;
  readonly workspacePath: string | null;
  readonly host: string;
  /** The backend that ran, and the profile that chose it (absent in entries restored from older records). */
  readonly backend?: string;
  readonly profile?: string | null;
}

/** How many finished issues the in-memory history keeps (oldest dropped first). */
export const FINISHED_LIMIT = 200;

/** Records the end of an issue's run, keeping at most {@link FINISHED_LIMIT} issues (newest last). */
export function recordFinished(state: OrchestratorState, entry: FinishedEntry): void {
  state.finished.delete(entry.issue.id);
  state.finished.set(entry.issue.id, entry);
  while (state.finished.size > FINISHED_LIMIT) {
    const oldest = state.finished.keys().next().value;
    if (oldest === undefined) break;
    state.finished.delete(oldest);
  }
}

/** Aggregates over every finished and running session. */
export interface Totals extends Counts {
  costUsd: number;
  secondsEnded: number;
  runsStarted: number;
  runsSucceeded: number;
  runsFailed: number;
}

/** All scheduling state, owned by one orchestrator. */
export interface OrchestratorState {
  readonly running: Map<string, RunningEntry>;
  readonly claimed: Set<string>;
  readonly retries: Map<string, RetryEntry>;
  readonly blocked: Map<string, BlockedEntry>;
  readonly completed: Set<string>;
  /** Issues another instance held the lease on when we tried, until when we leave them alone. */
  readonly leasedElsewhere: Map<
    string,
    { readonly holder: string; readonly expiresAt: number; readonly until: number }
  >;
  /** Issues whose last run ended in this process (bounded; answers "finished" on the API). */
  readonly finished: Map<string, FinishedEntry>;
  readonly totals: Totals;
  rateLimits: Readonly<Record<string, unknown>> | null;
  skipped: import("../domain/snapshot.js").SkipRow[];
  lastError: string | null;
  lastTickAt: number | null;
  nextTickAt: number | null;
  checking: boolean;
}

/** Fresh, empty state. */
export function emptyState(): OrchestratorState {
  return {
    running: new Map(),
    claimed: new Set(),
    retries: new Map(),
    blocked: new Map(),
    completed: new Set(),
    leasedElsewhere: new Map(),
    finished: new Map(),
    totals: {
      input: 0,
      output: 0,
      total: 0,
      costUsd: 0,
      secondsEnded: 0,
      runsStarted: 0,
      runsSucceeded: 0,
      runsFailed: 0,
    },
    rateLimits: null,
    skipped: [],
    lastError: null,
    lastTickAt: null,
    nextTickAt: null,
    checking: false,
  };
}
