import type { Budget, IssueSpend, PeriodSpend, SpendIncrement, SpendLedger } from "../spend/index.js";
import { MemoryLedger, utcDay } from "../spend/index.js";
import type { RecordedSpend } from "./spend-sql.js";
import type { StoreWrite } from "./sql-store.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function incrementKey(inc: SpendIncrement): string {
  return JSON.stringify([inc.issueId, utcDay(inc.at), inc.state, inc.labels]);
}

/**
 * The spend ledger backed by the durable store, so a restart never resets spend
 * (docs/spend-and-safety.md). Reads stay synchronous: they see what the store held when it was last
 * read plus every increment since. Increments become `spend` writes of the journal's batches; increments
 * of one issue, day and scope arriving before the next batch is taken are merged into one write.
 */
export class StoreLedger implements SpendLedger {
  #recorded = new MemoryLedger();
  #since = new MemoryLedger();
  readonly #open = new Map<string, Mutable<SpendIncrement>>();

  /** `push` queues a write with the journal. */
  constructor(private readonly push: (write: StoreWrite) => void) {}

  /** {@inheritDoc SpendLedger.add} */
  add(increment: SpendIncrement): void {
    this.#since.add(increment);
    const key = incrementKey(increment);
    const open = this.#open.get(key);
    if (open === undefined) {
      const copy: Mutable<SpendIncrement> = { ...increment, labels: [...increment.labels] };
      this.#open.set(key, copy);
      this.push({ type: "spend", increment: copy });
      return;
    }
    open.at = Math.max(open.at, increment.at);
    open.attempts = (open.attempts ?? 0) + (increment.attempts ?? 0);
    open.turns = (open.turns ?? 0) + (increment.turns ?? 0);
    open.wallTimeMs = (open.wallTimeMs ?? 0) + (increment.wallTimeMs ?? 0);
    open.tokens = (open.tokens ?? 0) + (increment.tokens ?? 0);
    open.costUsd = (open.costUsd ?? 0) + (increment.costUsd ?? 0);
  }

  /** {@inheritDoc SpendLedger.issue} */
  issue(issueId: string): IssueSpend {
    const a = this.#recorded.issue(issueId);
    const b = this.#since.issue(issueId);
    return {
      attempts: a.attempts + b.attempts,
      turns: a.turns + b.turns,
      wallTimeMs: a.wallTimeMs + b.wallTimeMs,
      tokens: a.tokens + b.tokens,
      costUsd: a.costUsd + b.costUsd,
    };
  }

  /** {@inheritDoc SpendLedger.period} */
  period(budget: Pick<Budget, "period" | "label" | "state">, now: number): PeriodSpend {
    const a = this.#recorded.period(budget, now);
    const b = this.#since.period(budget, now);
    return { tokens: a.tokens + b.tokens, costUsd: a.costUsd + b.costUsd };
  }

  /** The journal took the queued writes into a batch: later increments start new writes. */
  batchTaken(): void {
    this.#open.clear();
  }

  /**
   * Replaces what was read from the store (`recorded`, read after every write but `unwritten`) and keeps
   * the increments of the writes still queued on top of it.
   */
  restore(recorded: RecordedSpend, unwritten: readonly StoreWrite[]): void {
    const base = new MemoryLedger();
    for (const [issueId, spend] of recorded.issues) base.restoreIssue(issueId, spend);
    for (const d of recorded.days) base.restoreDay(d.day, d.scope, d.tokens, d.costUsd);
    const since = new MemoryLedger();
    for (const w of unwritten) if (w.type === "spend") since.add(w.increment);
    this.#recorded = base;
    this.#since = since;
  }
}
