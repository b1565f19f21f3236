import type { Logger } from "../domain/logger.js";
import type {
  AttemptRecord,
  DurableView,
  LeaseRecord,
  RestoredState,
  StoreHealth,
  TokenUsage,
} from "../domain/run-record.js";
import type {
  AttemptUpdate,
  ClaimDecision,
  ClaimView,
  Journal,
  SchedulingView,
} from "../orchestrator/journal.js";
import { KEEP_DAYS, utcDay } from "../spend/index.js";
import type { Clock, TimerHandle } from "../util/clock.js";
import { claimDecision } from "./claim-decision.js";
import { withClockTimeout } from "./clock-timeout.js";
import { StoreHealthState } from "./health.js";
import { StoreLedger } from "./spend-ledger.js";
import type { SqlStore, StoreWrite } from "./sql-store.js";
import { classifyStoreFailure, type StoreError } from "./store-error.js";
import { addAttemptUsage, sumUsage, ZERO_USAGE } from "./token-usage.js";
import { WrittenState } from "./written-state.js";

const FLUSH_DELAY_MS = 100;
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 30_000;
const CLAIM_TIMEOUT_MS = 5_000;
const CLOSE_FLUSH_MS = 3_000;
const RECENT_RUNS = 50;
const DAY_MS = 86_400_000;

/** Where one run's log and event record are, when run logs are on. */
export type LogFilesOf = (identifier: string, runId: string) => { log: string; events: string } | null;

/** What a journal is built from. */
export interface StoreJournalOptions {
  /** Null when the store could not be opened: the journal reports `openError` and keeps nothing. */
  readonly store: SqlStore | null;
  readonly openError: StoreError | null;
  readonly kind: string;
  readonly location: string;
  /** Shared (PostgreSQL): without the store no lease can be taken, so nothing is dispatched. */
  readonly shared: boolean;
  readonly workerId: string;
  readonly leaseTtlMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly logFiles?: LogFilesOf;
  /** Called after the store is closed (releases the embedded file lock). */
  readonly onClose?: () => void;
}

/**
 * The orchestrator's journal over a SQL store. Records are queued and written in batches off the
 * scheduling path; a failing store is reported in the snapshot and retried with backoff while
 * scheduling goes on from memory. Leases are taken at dispatch and renewed by a heartbeat.
 */
export class StoreJournal implements Journal {
  readonly #o: StoreJournalOptions;
  #view: () => SchedulingView = () => ({ running: [], retries: [], blocked: [], claims: [] });
  #pending: StoreWrite[] = [];
  readonly #written = new WrittenState();
  #held = new Set<string>();
  #leaseOps: Promise<unknown> = Promise.resolve();
  /** Held leases the orchestrator has shown as claimed since they were granted. */
  #seen = new Set<string>();
  readonly #health: StoreHealthState;
  #flushTimer: TimerHandle | null = null;
  #heartbeat: TimerHandle | null = null;
  #flushing: Promise<void> | null = null;
  #again = false;
  #closed = false;
  #othersUsage: TokenUsage = ZERO_USAGE;
  #ownUsage: TokenUsage = ZERO_USAGE;
  #recent: AttemptRecord[] = [];
  #leases: LeaseRecord[] = [];
  /** Spend counts kept in the store; re-read after a write when another instance may add to them. */
  readonly ledger: StoreLedger = new StoreLedger((write) => this.#push(write));
  #spendReloadDue = false;

  constructor(options: StoreJournalOptions) {
    this.#o = options;
    this.#health = new StoreHealthState(
      options.logger,
      { store: options.kind, location: options.location },
      options.openError,
    );
  }

  /** {@inheritDoc Journal.open} */
  async open(view: () => SchedulingView): Promise<RestoredState> {
    this.#view = view;
    const store = this.#o.store;
    if (store === null) {
      this.#o.logger.error(
        "store unavailable; scheduling from memory, nothing is recorded",
        this.#health.keys(),
      );
      return { retries: [], blocked: [], interrupted: [] };
    }
    try {
      const restored = await store.restore(this.#o.clock.now(), this.#o.leaseTtlMs);
      for (const id of [...restored.retries, ...restored.blocked, ...restored.interrupted].map(
        (r) => r.issueId,
      )) {
        this.#held.add(id);
      }
      this.#recent = await store.runs({ limit: RECENT_RUNS });
      this.#othersUsage = await store.tokenUsage(this.#o.workerId);
      this.#leases = await store.leases();
      await this.#reloadSpend(store);
      this.#scheduleHeartbeat();
      this.#o.logger.info("store opened", {
        store: this.#o.kind,
        location: this.#o.location,
        retries: restored.retries.length,
        blocked: restored.blocked.length,
        interrupted: restored.interrupted.length,
      });
      return restored;
    } catch (cause) {
      this.#health.fail(cause);
      this.#scheduleHeartbeat();
      return { retries: [], blocked: [], interrupted: [] };
    }
  }

  /** {@inheritDoc Journal.attemptStarted} */
  attemptStarted(attempt: AttemptUpdate): void {
    const record = this.#record(attempt);
    this.#remember(record);
    this.#push({ type: "attempt", record });
  }

  /** {@inheritDoc Journal.attemptEnded} */
  attemptEnded(attempt: AttemptUpdate): void {
    const record = this.#record(attempt);
    this.#remember(record);
    this.#ownUsage = addAttemptUsage(this.#ownUsage, record);
    this.#written.forgetRun(record.runId);
    this.#push({ type: "attempt", record });
    if (record.sessionId !== null) {
      const at = record.endedAt ?? this.#o.clock.now();
      this.#push({
        type: "ledger",
        issueId: record.issueId,
        identifier: record.identifier,
        sessionId: record.sessionId,
        tokens: record.tokens,
        at,
      });
    }
  }

  /** {@inheritDoc Journal.changed} */
  changed(): void {
    this.#scheduleFlush(FLUSH_DELAY_MS);
  }

  /** {@inheritDoc Journal.claim} */
  async claim(claim: ClaimView): Promise<ClaimDecision> {
    const store = this.#o.store;
    const unavailable = (error: StoreError): ClaimDecision =>
      this.#o.shared
        ? {
            kind: "refused",
            reason: { kind: "store_unavailable", message: `${error.code}: ${error.message}` },
          }
        : { kind: "granted", adopted: null };
    if (store === null)
      return unavailable(this.#health.error ?? classifyStoreFailure(new Error("store closed")));
    if (!this.#o.shared) {
      // one process per embedded file (its lock): the lease row only informs, so it is batched too
      this.#held.add(claim.issueId);
      this.#seen.delete(claim.issueId);
      this.#push({ type: "lease_put", claim, at: this.#o.clock.now(), ttlMs: this.#o.leaseTtlMs });
      return { kind: "granted", adopted: null };
    }
    try {
      const outcome = await withClockTimeout(
        this.#o.clock,
        this.#leaseLock(async () => {
          const result = await store.claim(claim, this.#o.clock.now(), this.#o.leaseTtlMs);
          if (result.kind === "granted") {
            this.#held.add(claim.issueId);
            // not releasable until the orchestrator shows it as claimed (the dispatch follows)
            this.#seen.delete(claim.issueId);
          }
          return result;
        }),
        CLAIM_TIMEOUT_MS,
      );
      this.#health.recovered(this.#pending.length);
      return claimDecision(outcome, claim, this.#o.workerId, this.#o.logger);
    } catch (cause) {
      return unavailable(this.#health.fail(cause));
    }
  }

  /** {@inheritDoc Journal.release} */
  release(issueId: string): void {
    const store = this.#o.store;
    if (store === null) return;
    void this.#leaseLock(async () => {
      if (this.#view().claims.some((c) => c.issueId === issueId)) return;
      await store.release([issueId]);
      this.#held.delete(issueId);
      this.#seen.delete(issueId);
    }).catch((cause: unknown) => this.#health.fail(cause));
  }

  /** {@inheritDoc Journal.durable} */
  durable(): DurableView {
    const health: StoreHealth = {
      kind: this.#o.kind,
      location: this.#o.location,
      ok: this.#health.error === null,
      error:
        this.#health.error === null
          ? null
          : { code: this.#health.error.code, message: this.#health.error.message },
      pendingWrites: this.#pending.length,
      shared: this.#o.shared,
    };
    return {
      health,
      tokenUsage: sumUsage(this.#othersUsage, this.#ownUsage),
      recentRuns: this.#recent,
      leases: this.#leases,
    };
  }

  /** Run history of one issue (id or identifier), newest first; empty when the store is down. */
  async history(issue: string): Promise<AttemptRecord[]> {
    if (this.#o.store === null) return [];
    try {
      return await this.#o.store.runs({ issue, limit: 100 });
    } catch (cause) {
      this.#health.fail(cause);
      return [];
    }
  }

  /** {@inheritDoc Journal.close} */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#flushTimer !== null) this.#o.clock.clearTimer(this.#flushTimer);
    if (this.#heartbeat !== null) this.#o.clock.clearTimer(this.#heartbeat);
    const store = this.#o.store;
    if (store !== null) {
      await withClockTimeout(this.#o.clock, this.#flushNow(), CLOSE_FLUSH_MS).catch(() => {});
      if (this.#pending.length > 0) {
        this.#o.logger.error("store: writes lost at shutdown", {
          pending: this.#pending.length,
          ...this.#health.keys(),
        });
      }
      await store.release([...this.#held]).catch(() => {});
      await store.close().catch(() => {});
    }
    this.#o.onClose?.();
  }

  // ---- writing --------------------------------------------------------------------------------

  #record(a: AttemptUpdate): AttemptRecord {
    const files = this.#o.logFiles?.(a.identifier, a.runId) ?? null;
    return {
      ...a,
      workerId: this.#o.workerId,
      logPath: files?.log ?? null,
      eventsPath: files?.events ?? null,
    };
  }

  #remember(record: AttemptRecord): void {
    this.#recent = [record, ...this.#recent.filter((r) => r.runId !== record.runId)].slice(0, RECENT_RUNS);
  }

  #push(write: StoreWrite): void {
    if (this.#o.store === null || this.#closed) return;
    this.#pending.push(write);
    this.#scheduleFlush(FLUSH_DELAY_MS);
  }

  #scheduleFlush(ms: number): void {
    if (this.#o.store === null || this.#closed || this.#flushTimer !== null) return;
    this.#flushTimer = this.#o.clock.setTimer(ms, () => {
      this.#flushTimer = null;
      void this.#flushNow();
    });
  }

  /** One flush at a time; a request during a flush runs another right after it. */
  #flushNow(): Promise<void> {
    if (this.#flushing !== null) {
      this.#again = true;
      return this.#flushing;
    }
    this.#flushing = this.#flushOnce().finally(() => {
      this.#flushing = null;
      if (this.#again) {
        this.#again = false;
        this.#scheduleFlush(0);
      }
    });
    return this.#flushing;
  }

  async #flushOnce(): Promise<void> {
    const store = this.#o.store;
    if (store === null) return;
    const view = this.#view();
    const diff = this.#written.diff(view, (a) => this.#record(a));
    const batch = [...this.#pending, ...diff.writes];
    const taken = this.#pending.length;
    this.ledger.batchTaken();
    // a lease is released once the orchestrator showed the claim and then dropped it
    const unclaimed = () => {
      const claimed = new Set(this.#view().claims.map((c) => c.issueId));
      for (const id of claimed) this.#seen.add(id);
      return [...this.#held].filter((id) => this.#seen.has(id) && !claimed.has(id));
    };
    if (batch.length === 0 && unclaimed().length === 0 && !this.#spendReloadDue) return;
    try {
      await store.write(batch);
      this.#pending = this.#pending.slice(taken);
      diff.commit();
      if (this.#spendReloadDue) await this.#reloadSpend(store);
      // decided inside the lease lock from the state as it is then: a claim granted while the batch
      // was being written must not be released by this flush
      await this.#leaseLock(async () => {
        const released = unclaimed();
        if (released.length === 0) return;
        await store.release(released);
        for (const id of released) {
          this.#held.delete(id);
          this.#seen.delete(id);
        }
      });
      this.#health.recovered(this.#pending.length);
    } catch (cause) {
      this.#health.fail(cause, true);
      const delay = Math.min(RETRY_MIN_MS * 2 ** (this.#health.failures - 1), RETRY_MAX_MS);
      this.#scheduleFlush(delay);
    }
  }

  // ---- leases and health ----------------------------------------------------------------------

  #scheduleHeartbeat(): void {
    if (this.#closed) return;
    const every = Math.max(Math.floor(this.#o.leaseTtlMs / 3), 1_000);
    this.#heartbeat = this.#o.clock.setTimer(every, () => {
      this.#heartbeat = null;
      void this.#beat().finally(() => this.#scheduleHeartbeat());
    });
  }

  async #beat(): Promise<void> {
    const store = this.#o.store;
    if (store === null || this.#closed) return;
    try {
      const claims = this.#view().claims;
      const lost = await store.renew(claims, this.#o.clock.now(), this.#o.leaseTtlMs);
      for (const id of claims.map((c) => c.issueId)) if (!lost.includes(id)) this.#held.add(id);
      if (lost.length > 0)
        this.#o.logger.error("leases lost to another instance", { issue_ids: lost.join(",") });
      this.#leases = await store.leases();
      this.#othersUsage = await store.tokenUsage(this.#o.workerId);
      this.#health.recovered(this.#pending.length);
      // other instances on a shared store spend too: re-read the ledger with the next flush
      if (this.#o.shared) this.#spendReloadDue = true;
      if (this.#pending.length > 0 || this.#spendReloadDue) this.#scheduleFlush(0);
    } catch (cause) {
      this.#health.fail(cause);
    }
  }

  /** Reads the spend ledger back (called right after a write, so only still-queued writes are unwritten). */
  async #reloadSpend(store: SqlStore): Promise<void> {
    const since = utcDay(this.#o.clock.now() - KEEP_DAYS * DAY_MS);
    this.ledger.restore(await store.spend(since), this.#pending);
    this.#spendReloadDue = false;
  }

  /** Claims and releases run one at a time, so a release never undoes a claim it did not see. */
  #leaseLock<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#leaseOps.then(fn, fn);
    this.#leaseOps = run.catch(() => {});
    return run;
  }
}
