import type { Budget } from "./settings.js";

/** What one issue has used over its lifetime in Symphony. */
export interface IssueSpend {
  readonly attempts: number;
  readonly turns: number;
  readonly wallTimeMs: number;
  readonly tokens: number;
  readonly costUsd: number;
}

/** Spend within one period for one budget scope. */
export interface PeriodSpend {
  readonly tokens: number;
  readonly costUsd: number;
}

/** One increment: what an issue used at `at` (any field may be 0). */
export interface SpendIncrement {
  readonly issueId: string;
  readonly at: number;
  /** Labels (normalised) and state the issue had when it spent, for per-label/state budgets. */
  readonly labels: readonly string[];
  readonly state: string;
  readonly attempts?: number;
  readonly turns?: number;
  readonly wallTimeMs?: number;
  readonly tokens?: number;
  readonly costUsd?: number;
}

/**
 * Where spend is counted. The in-memory ledger below is the default; the durable store implements the
 * same interface so a restart never resets spend (docs/spend-and-safety.md).
 */
export interface SpendLedger {
  add(increment: SpendIncrement): void;
  issue(issueId: string): IssueSpend;
  /** Spend of the budget's scope within the UTC day or month containing `now`. */
  period(budget: Pick<Budget, "period" | "label" | "state">, now: number): PeriodSpend;
}

const ZERO_ISSUE: IssueSpend = Object.freeze({ attempts: 0, turns: 0, wallTimeMs: 0, tokens: 0, costUsd: 0 });

/** `YYYY-MM-DD` of the UTC day containing `at`. */
export function utcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** The scope keys an increment counts towards: everything, each label, its state. */
export function scopeKeys(labels: readonly string[], state: string): string[] {
  return ["*", ...labels.map((l) => `label:${l.toLowerCase()}`), `state:${state.trim().toLowerCase()}`];
}

function scopeKey(budget: Pick<Budget, "label" | "state">): string {
  if (budget.label !== null) return `label:${budget.label}`;
  if (budget.state !== null) return `state:${budget.state}`;
  return "*";
}

/** Days of per-day buckets kept: enough for the current and the previous month. */
export const KEEP_DAYS = 62;

/** A ledger in memory: per-issue totals and per-UTC-day buckets per scope (bounded to two months). */
export class MemoryLedger implements SpendLedger {
  readonly #issues = new Map<string, IssueSpend>();
  /** day → scope key → spend */
  readonly #days = new Map<string, Map<string, { tokens: number; costUsd: number }>>();

  /** {@inheritDoc SpendLedger.add} */
  add(inc: SpendIncrement): void {
    const before = this.#issues.get(inc.issueId) ?? ZERO_ISSUE;
    this.#issues.set(inc.issueId, {
      attempts: before.attempts + (inc.attempts ?? 0),
      turns: before.turns + (inc.turns ?? 0),
      wallTimeMs: before.wallTimeMs + (inc.wallTimeMs ?? 0),
      tokens: before.tokens + (inc.tokens ?? 0),
      costUsd: before.costUsd + (inc.costUsd ?? 0),
    });
    const tokens = inc.tokens ?? 0;
    const costUsd = inc.costUsd ?? 0;
    if (tokens === 0 && costUsd === 0) return;
    const day = utcDay(inc.at);
    let bucket = this.#days.get(day);
    if (bucket === undefined) {
      bucket = new Map();
      this.#days.set(day, bucket);
      this.#prune(inc.at);
    }
    for (const key of scopeKeys(inc.labels, inc.state)) {
      const cur = bucket.get(key) ?? { tokens: 0, costUsd: 0 };
      cur.tokens += tokens;
      cur.costUsd += costUsd;
      bucket.set(key, cur);
    }
  }

  /** {@inheritDoc SpendLedger.issue} */
  issue(issueId: string): IssueSpend {
    return this.#issues.get(issueId) ?? ZERO_ISSUE;
  }

  /** Sets an issue's lifetime totals as a durable store recorded them. */
  restoreIssue(issueId: string, spend: IssueSpend): void {
    this.#issues.set(issueId, spend);
  }

  /** Adds a recorded day bucket of one scope key (see {@link scopeKeys}). */
  restoreDay(day: string, scope: string, tokens: number, costUsd: number): void {
    let bucket = this.#days.get(day);
    if (bucket === undefined) {
      bucket = new Map();
      this.#days.set(day, bucket);
    }
    const cur = bucket.get(scope) ?? { tokens: 0, costUsd: 0 };
    cur.tokens += tokens;
    cur.costUsd += costUsd;
    bucket.set(scope, cur);
  }

  /** {@inheritDoc SpendLedger.period} */
  period(budget: Pick<Budget, "period" | "label" | "state">, now: number): PeriodSpend {
    const key = scopeKey(budget);
    const today = utcDay(now);
    const prefix = budget.period === "day" ? today : today.slice(0, 7);
    let tokens = 0;
    let costUsd = 0;
    for (const [day, bucket] of this.#days) {
      if (!day.startsWith(prefix)) continue;
      const spend = bucket.get(key);
      if (spend === undefined) continue;
      tokens += spend.tokens;
      costUsd += spend.costUsd;
    }
    return { tokens, costUsd };
  }

  #prune(now: number): void {
    const oldest = utcDay(now - KEEP_DAYS * 86_400_000);
    for (const day of this.#days.keys()) if (day < oldest) this.#days.delete(day);
  }
}
