import type { Issue } from "../domain/issue.js";
import type { LimitTrip } from "../domain/limit-trip.js";
import type { SpendView } from "../domain/snapshot.js";
import type { IssueSpend, SpendLedger } from "./ledger.js";
import { costOf, priceFor, type UsageDelta } from "./prices.js";
import { type Budget, type Limit, reached, type SpendSettings } from "./settings.js";

type IssueRef = Pick<Issue, "id" | "labels" | "state">;

/** What the previous attempt of an issue changed, for the no-progress detector. */
interface ProgressMemory {
  /** Tracker fingerprint (state, title, description, labels, priority) when the last attempt was dispatched. */
  trackerFingerprint: string;
  /** Null while the last attempt runs or when its workspace could not be probed. */
  workspaceChanged: boolean | null;
  /** Attempts in a row that changed nothing. */
  streak: number;
}

// What a person (or the agent) changes on an issue: not `updatedAt`, which Symphony's own comments move.
function trackerFingerprint(
  issue: Pick<Issue, "state" | "title" | "description" | "labels" | "priority">,
): string {
  return JSON.stringify([
    issue.state,
    issue.title,
    issue.description,
    [...issue.labels].sort(),
    issue.priority,
  ]);
}

function startOfNextPeriod(period: "day" | "month", now: number): number {
  const d = new Date(now);
  return period === "day"
    ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1)
    : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

function finite(limit: Limit): number {
  return limit === "unlimited" ? Number.POSITIVE_INFINITY : limit;
}

/**
 * Spend control (docs/spend-and-safety.md): counts what each issue uses into a {@link SpendLedger} and
 * says which limit, if any, an issue has reached. The orchestrator asks before every dispatch, after
 * every turn and on every token-usage event; it never decides limits itself.
 */
export class SpendGuard {
  readonly #progress = new Map<string, ProgressMemory>();

  constructor(
    private readonly ledger: SpendLedger,
    private readonly settings: () => SpendSettings,
  ) {}

  /** The issue's lifetime spend. */
  spent(issueId: string): IssueSpend {
    return this.ledger.issue(issueId);
  }

  /**
   * Dispatch gate: a reached cap, budget or no-progress streak refuses the attempt; otherwise the
   * attempt is counted and the tracker fingerprint remembered.
   */
  beforeDispatch(issue: Issue, now: number): LimitTrip | null {
    const progress = this.#progressTrip(issue);
    if (progress !== null) return progress;
    const trip = this.check(issue, now, { attemptStarting: true });
    if (trip !== null) return trip;
    this.ledger.add({ issueId: issue.id, at: now, labels: issue.labels, state: issue.state, attempts: 1 });
    return null;
  }

  /**
   * Counts token growth, priced by model when the model is known (0 otherwise) unless the agent reported
   * the cost itself (`reportedCostUsd`, its growth), and returns the cost counted, whether it was priced at
   * all (an unknown model counts 0), and a limit reached, if any.
   */
  onUsage(
    issue: IssueRef,
    delta: UsageDelta,
    model: string | null,
    now: number,
    reportedCostUsd?: number,
  ): { readonly costUsd: number; readonly priced: boolean; readonly trip: LimitTrip | null } {
    const tokens = Math.max(delta.input, 0) + Math.max(delta.output, 0);
    const price = priceFor(model, this.settings().prices);
    const costUsd = reportedCostUsd ?? (price === null ? 0 : costOf(delta, price));
    this.ledger.add({
      issueId: issue.id,
      at: now,
      labels: issue.labels,
      state: issue.state,
      tokens,
      costUsd,
    });
    const priced = reportedCostUsd !== undefined || price !== null;
    return { costUsd, priced, trip: this.check(issue, now) };
  }

  /** Counts a completed turn and returns a limit reached, counting the live run's wall time too. */
  onTurn(issue: IssueRef, now: number, liveWallTimeMs: number): LimitTrip | null {
    this.ledger.add({ issueId: issue.id, at: now, labels: issue.labels, state: issue.state, turns: 1 });
    return this.check(issue, now, { liveWallTimeMs });
  }

  /** Counts an attempt's wall time and whether it changed its workspace (null = unknown). */
  onExit(issue: IssueRef, wallTimeMs: number, workspaceChanged: boolean | null, now: number): void {
    this.ledger.add({ issueId: issue.id, at: now, labels: issue.labels, state: issue.state, wallTimeMs });
    const memory = this.#progress.get(issue.id);
    if (memory !== undefined) memory.workspaceChanged = workspaceChanged;
  }

  /** The first reached cap or budget for the issue at `now` (turn and wall caps included). */
  check(
    issue: IssueRef,
    now: number,
    options: { attemptStarting?: boolean; liveWallTimeMs?: number } = {},
  ): LimitTrip | null {
    const settings = this.settings();
    const used = this.ledger.issue(issue.id);
    const wall = used.wallTimeMs + (options.liveWallTimeMs ?? 0);
    const caps = settings.issue;
    const lifetime: [LimitTrip["limit"], number, Limit, string][] = [
      ["cost_usd", used.costUsd, caps.costUsd, "limits.issue.cost_usd"],
      ["tokens", used.tokens, caps.tokens, "limits.issue.tokens"],
      ["turns", used.turns, caps.turns, "limits.issue.turns"],
      ["wall_time_ms", wall, caps.wallTimeMs, "limits.issue.wall_time_ms"],
    ];
    if (options.attemptStarting === true) {
      lifetime.push(["attempts", used.attempts, caps.attempts, "limits.issue.attempts"]);
    }
    for (const [limit, value, max, key] of lifetime) {
      if (reached(value, max)) {
        return {
          reason: "budget",
          limit,
          scope: "issue",
          label: null,
          state: null,
          used: value,
          max: finite(max),
          key,
          resetsAt: null,
        };
      }
    }
    for (const [index, budget] of settings.budgets.entries()) {
      if (!applies(budget, issue)) continue;
      const spent = this.ledger.period(budget, now);
      const checks: [LimitTrip["limit"], number, Limit][] = [
        ["cost_usd", spent.costUsd, budget.costUsd],
        ["tokens", spent.tokens, budget.tokens],
      ];
      for (const [limit, value, max] of checks) {
        if (!reached(value, max)) continue;
        return {
          reason: "budget",
          limit,
          scope: budget.period,
          label: budget.label,
          state: budget.state,
          used: value,
          max: finite(max),
          key: `limits.budgets[${index}].${limit}`,
          resetsAt: startOfNextPeriod(budget.period, now),
        };
      }
    }
    return null;
  }

  /** Spend of every issue today and this month (UTC), and each budget's use, for status surfaces. */
  view(now: number): SpendView {
    const all = { label: null, state: null } as const;
    return {
      today: this.ledger.period({ period: "day", ...all }, now),
      month: this.ledger.period({ period: "month", ...all }, now),
      budgets: this.settings().budgets.map((budget, index) => ({
        key: `limits.budgets[${index}]`,
        period: budget.period,
        label: budget.label,
        state: budget.state,
        spent: this.ledger.period(budget, now),
        maxTokens: budget.tokens === "unlimited" ? null : budget.tokens,
        maxCostUsd: budget.costUsd === "unlimited" ? null : budget.costUsd,
        resetsAt: startOfNextPeriod(budget.period, now),
      })),
    };
  }

  /**
   * Whether a parked issue may go again: a budget trip when no cap or budget is reached any more (a
   * reload raised it, or the period rolled over); a no-progress trip when the tracker issue changed
   * or the threshold was raised.
   */
  mayRelease(issue: Issue, trip: LimitTrip, now: number): boolean {
    if (trip.reason === "budget") return this.check(issue, now, { attemptStarting: true }) === null;
    return this.#progressTrip(issue, { commit: false }) === null;
  }

  #progressTrip(issue: Issue, options: { commit: boolean } = { commit: true }): LimitTrip | null {
    const fingerprint = trackerFingerprint(issue);
    const memory = this.#progress.get(issue.id);
    if (memory === undefined) {
      if (options.commit) {
        this.#progress.set(issue.id, { trackerFingerprint: fingerprint, workspaceChanged: null, streak: 0 });
      }
      return null;
    }
    const idle = memory.workspaceChanged === false && memory.trackerFingerprint === fingerprint;
    const streak = idle ? memory.streak + 1 : 0;
    const max = this.settings().noProgressAttempts;
    // a trip leaves the memory as it is: the issue stays parked until the tracker or the limit changes
    if (reached(streak, max)) {
      return {
        reason: "no_progress",
        limit: "no_progress_attempts",
        scope: "issue",
        label: null,
        state: null,
        used: streak,
        max: finite(max),
        key: "limits.no_progress_attempts",
        resetsAt: null,
      };
    }
    if (options.commit) {
      memory.streak = streak;
      memory.trackerFingerprint = fingerprint;
      memory.workspaceChanged = null;
    }
    return null;
  }
}

function applies(budget: Budget, issue: IssueRef): boolean {
  if (budget.label !== null && !issue.labels.some((l) => l.toLowerCase() === budget.label)) return false;
  if (budget.state !== null && issue.state.trim().toLowerCase() !== budget.state) return false;
  return true;
}
