import type { Logger } from "../domain/logger.js";
import type {
  AttemptRecord,
  BlockedRecord,
  DurableView,
  LeaseRecord,
  RestoredState,
  RetryRecord,
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
import type { Clock, TimerHandle } from "../util/clock.js";
import type { SqlStore, StoreWrite } from "./sql-store.js";
import { classifyStoreFailure, type StoreError } from "./store-error.js";

const FLUSH_DELAY_MS = 100;
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 30_000;
const CLAIM_TIMEOUT_MS = 5_000;
const CLOSE_FLUSH_MS = 3_000;
const RECENT_RUNS = 50;

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

const ZERO: TokenUsage = { attempts: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0 };

function addUsage(a: TokenUsage, r: AttemptRecord): TokenUsage {
  return {
    attempts: a.attempts + 1,
    inputTokens: a.inputTokens + r.tokens.inputTokens,
    outputTokens: a.outputTokens + r.tokens.outputTokens,
    totalTokens: a.totalTokens + r.tokens.totalTokens,
    costUsd: a.costUsd + (r.costUsd ?? 0),
  };
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
  #written = {
    retries: new Map<string, string>(),
    blocked: new Map<string, string>(),
    running: new Map<string, string>(),
  };
  #held = new Set<string>();
  #error: StoreError | null;
  #flushTimer: TimerHandle | null = null;
  #heartbeat: TimerHandle | null = null;
  #flushing: Promise<void> | null = null;
  #again = false;
  #failures = 0;
  #closed = false;
  #othersUsage: TokenUsage = ZERO;
  #ownUsage: TokenUsage = ZERO;
  #recent: AttemptRecord[] = [];
  #leases: LeaseRecord[] = [];

  constructor(options: StoreJournalOptions) {
    this.#o = options;
    this.#error = options.openError;
  }

  /** {@inheritDoc Journal.open} */
  async open(view: () => SchedulingView): Promise<RestoredState> {
    this.#view = view;
    const store = this.#o.store;
    if (store === null) {
      this.#o.logger.error(
        "store unavailable; scheduling from memory, nothing is recorded",
        this.#errorKeys(),
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
      this.#fail(cause);
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
    this.#ownUsage = addUsage(this.#ownUsage, record);
    this.#written.running.delete(record.runId);
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
    if (store === null) return unavailable(this.#error ?? classifyStoreFailure(new Error("store closed")));
    try {
      const outcome = await this.#withTimeout(store.claim(claim, this.#o.clock.now(), this.#o.leaseTtlMs));
      this.#recovered();
      if (outcome.kind === "held") {
        const h = outcome.holder;
        return {
          kind: "refused",
          reason: { kind: "leased_elsewhere", holder: `${h.workerId}`, expiresAt: h.expiresAt },
        };
      }
      this.#held.add(claim.issueId);
      const o = outcome.orphan;
      if (o === null) return { kind: "granted", adopted: null };
      this.#o.logger.warn("lease taken over from a stopped instance", {
        issue_id: claim.issueId,
        issue_identifier: claim.identifier,
      });
      return {
        kind: "granted",
        adopted: {
          retries: o.retry === null ? [] : [o.retry],
          blocked: o.blocked === null ? [] : [o.blocked],
          interrupted: o.interrupted === null ? [] : [o.interrupted],
        },
      };
    } catch (cause) {
      return unavailable(this.#fail(cause));
    }
  }

  /** {@inheritDoc Journal.durable} */
  durable(): DurableView {
    const health: StoreHealth = {
      kind: this.#o.kind,
      location: this.#o.location,
      ok: this.#error === null,
      error: this.#error === null ? null : { code: this.#error.code, message: this.#error.message },
      pendingWrites: this.#pending.length,
      shared: this.#o.shared,
    };
    const u = this.#othersUsage;
    const o = this.#ownUsage;
    return {
      health,
      tokenUsage: {
        attempts: u.attempts + o.attempts,
        inputTokens: u.inputTokens + o.inputTokens,
        outputTokens: u.outputTokens + o.outputTokens,
        totalTokens: u.totalTokens + o.totalTokens,
        costUsd: u.costUsd + o.costUsd,
      },
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
      this.#fail(cause);
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
      await this.#withTimeout(this.#flushNow(), CLOSE_FLUSH_MS).catch(() => {});
      if (this.#pending.length > 0) {
        this.#o.logger.error("store: writes lost at shutdown", {
          pending: this.#pending.length,
          ...this.#errorKeys(),
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
    const diff = this.#diff(view);
    const batch = [...this.#pending, ...diff.writes];
    const taken = this.#pending.length;
    const claimed = new Set(view.claims.map((c) => c.issueId));
    const released = [...this.#held].filter((id) => !claimed.has(id));
    if (batch.length === 0 && released.length === 0) return;
    try {
      await store.write(batch);
      this.#pending = this.#pending.slice(taken);
      diff.commit();
      if (released.length > 0) {
        await store.release(released);
        for (const id of released) this.#held.delete(id);
      }
      this.#recovered();
    } catch (cause) {
      this.#fail(cause);
      this.#failures += 1;
      const delay = Math.min(RETRY_MIN_MS * 2 ** (this.#failures - 1), RETRY_MAX_MS);
      this.#scheduleFlush(delay);
    }
  }

  /** Writes that bring the stored retries, blocked issues and running attempts up to `view`. */
  #diff(view: SchedulingView): { writes: StoreWrite[]; commit: () => void } {
    const writes: StoreWrite[] = [];
    const next = {
      retries: new Map<string, string>(),
      blocked: new Map<string, string>(),
      running: new Map<string, string>(),
    };
    const sync = <T extends { issueId: string }>(
      rows: readonly T[],
      key: (r: T) => string,
      map: "retries" | "blocked" | "running",
      put: (r: T) => StoreWrite,
      del: ((id: string) => StoreWrite) | null,
    ) => {
      for (const r of rows) {
        const id = key(r);
        const json = JSON.stringify(r);
        next[map].set(id, json);
        if (this.#written[map].get(id) !== json) writes.push(put(r));
      }
      if (del === null) return;
      for (const id of this.#written[map].keys()) if (!next[map].has(id)) writes.push(del(id));
    };
    sync<RetryRecord>(
      view.retries,
      (r) => r.issueId,
      "retries",
      (record) => ({ type: "retry_put", record }),
      (issueId) => ({ type: "retry_delete", issueId }),
    );
    sync<BlockedRecord>(
      view.blocked,
      (r) => r.issueId,
      "blocked",
      (record) => ({ type: "blocked_put", record }),
      (issueId) => ({ type: "blocked_delete", issueId }),
    );
    // token and turn checkpoints of running attempts, so a crash loses at most one flush of counts
    sync<AttemptUpdate>(
      view.running,
      (r) => r.runId,
      "running",
      (a) => ({ type: "attempt", record: this.#record(a) }),
      null,
    );
    return {
      writes,
      commit: () => {
        this.#written = next;
      },
    };
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
      this.#recovered();
      if (this.#pending.length > 0) this.#scheduleFlush(0);
    } catch (cause) {
      this.#fail(cause);
    }
  }

  #fail(cause: unknown): StoreError {
    const error = classifyStoreFailure(cause);
    const first = this.#error === null || this.#error.code !== error.code;
    this.#error = error;
    if (first) {
      this.#o.logger.error(
        "store failing; scheduling continues from memory and writes are retried",
        this.#errorKeys(),
      );
    }
    return error;
  }

  #recovered(): void {
    if (this.#error === null) return;
    this.#o.logger.info("store recovered", { store: this.#o.kind, pending: this.#pending.length });
    this.#error = null;
    this.#failures = 0;
  }

  #errorKeys(): Record<string, string | number> {
    return {
      store: this.#o.kind,
      location: this.#o.location,
      code: this.#error?.code ?? "",
      error: this.#error?.message ?? "",
    };
  }

  #withTimeout<T>(work: Promise<T>, ms = CLAIM_TIMEOUT_MS): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = this.#o.clock.setTimer(ms, () =>
        reject(Object.assign(new Error(`store did not answer within ${ms} ms`), { code: "ETIMEDOUT" })),
      );
      work.then(
        (value) => {
          this.#o.clock.clearTimer(timer);
          resolve(value);
        },
        (cause: unknown) => {
          this.#o.clock.clearTimer(timer);
          reject(cause);
        },
      );
    });
  }
}
