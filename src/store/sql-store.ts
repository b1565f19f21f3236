import type { TokenCounts } from "../domain/agent-event.js";
import type {
  AttemptRecord,
  BlockedRecord,
  LeaseRecord,
  RestoredState,
  RetryRecord,
  TokenUsage,
} from "../domain/run-record.js";
import type { SpendIncrement } from "../spend/index.js";
import { raiseLedger, upsertAttempt, upsertBlocked, upsertRetry } from "./record-writes.js";
import { attemptFromRow, blockedFromRow, leaseFromRow, retryFromRow } from "./rows.js";
import { addSpend, type RecordedSpend, readSpend } from "./spend-sql.js";
import { num, type SqlDriver, type SqlExec, type SqlValue } from "./sql-driver.js";

/** One durable change; a batch of them is written in one transaction. Every write is idempotent. */
export type StoreWrite =
  | { readonly type: "attempt"; readonly record: AttemptRecord }
  | {
      readonly type: "ledger";
      readonly issueId: string;
      readonly identifier: string;
      readonly sessionId: string;
      readonly tokens: TokenCounts;
      readonly at: number;
    }
  | { readonly type: "retry_put"; readonly record: RetryRecord }
  | { readonly type: "retry_delete"; readonly issueId: string }
  | { readonly type: "blocked_put"; readonly record: BlockedRecord }
  | { readonly type: "blocked_delete"; readonly issueId: string }
  | { readonly type: "lease_put"; readonly claim: ClaimRequest; readonly at: number; readonly ttlMs: number }
  | { readonly type: "spend"; readonly increment: SpendIncrement };

/** A lease request. */
export interface ClaimRequest {
  readonly issueId: string;
  readonly identifier: string;
  readonly host: string;
  readonly workspacePath: string | null;
  readonly attempt: number | null;
}

/** What another (dead) instance left for an issue whose lease was just taken over. */
export interface Orphan {
  readonly retry: RetryRecord | null;
  readonly blocked: BlockedRecord | null;
  readonly interrupted: AttemptRecord | null;
}

/** Result of a claim: the lease is ours (maybe with what a dead holder left), or someone else's. */
export type ClaimOutcome =
  | { readonly kind: "granted"; readonly orphan: Orphan | null; readonly previous?: LeaseRecord | null }
  | { readonly kind: "held"; readonly holder: LeaseRecord };

/** Filters of `symphony runs` and the issue history endpoint. */
export interface RunQuery {
  /** Issue id or identifier. */
  readonly issue?: string;
  /** Only attempts started at or after this epoch ms. */
  readonly since?: number;
  readonly limit?: number;
}

const INTERRUPTED = {
  code: "interrupted",
  message: "the process running this attempt stopped before it ended",
};

/** The store's SQL, written once for SQLite and PostgreSQL. */
export class SqlStore {
  readonly #db: SqlDriver;
  readonly #workerId: string;
  readonly #holderAlive: (workerId: string) => boolean;
  readonly #leftoversRunning: (workerId: string) => boolean;

  /**
   * `holderAlive` says whether another worker id may still be running; a lease of one that is known
   * to be gone (an embedded store's previous process, a dead pid on this host) is expired at once.
   * `leftoversRunning` says whether a dead worker's processes are still being swept.
   */
  constructor(
    db: SqlDriver,
    workerId: string,
    holderAlive: (workerId: string) => boolean = () => true,
    leftoversRunning: (workerId: string) => boolean = () => false,
  ) {
    this.#db = db;
    this.#workerId = workerId;
    this.#holderAlive = holderAlive;
    this.#leftoversRunning = leftoversRunning;
  }

  /**
   * True when another instance holds this lease and may still use it, or when it is dead but what it
   * started is still running (and being killed): that keeps the issue from starting again, however
   * old the lease.
   */
  #liveElsewhere(workerId: string, expiresAt: number, now: number): boolean {
    if (workerId === this.#workerId) return false;
    if (this.#leftoversRunning(workerId)) return true;
    return expiresAt > now && this.#holderAlive(workerId);
  }

  /** The instance id written into attempts, retries and leases. */
  get workerId(): string {
    return this.#workerId;
  }

  /** Writes a batch in one transaction. */
  async write(batch: readonly StoreWrite[]): Promise<void> {
    if (batch.length === 0) return;
    await this.#db.transaction(async (tx) => {
      for (const w of batch) await this.#apply(tx, w);
    });
  }

  async #apply(tx: SqlExec, w: StoreWrite): Promise<void> {
    switch (w.type) {
      case "attempt":
        return upsertAttempt(tx, w.record);
      case "ledger":
        return raiseLedger(tx, w);
      case "retry_put":
        return upsertRetry(tx, w.record, this.#workerId);
      case "retry_delete":
        await tx.query("DELETE FROM retry_queue WHERE issue_id = ?", [w.issueId]);
        return;
      case "blocked_put":
        return upsertBlocked(tx, w.record, this.#workerId);
      case "blocked_delete":
        await tx.query("DELETE FROM blocked_issues WHERE issue_id = ?", [w.issueId]);
        return;
      case "lease_put":
        await this.#takeLease(tx, w.claim, w.at, w.ttlMs, "any");
        return;
      case "spend":
        return addSpend(tx, w.increment);
      default: {
        const never: never = w;
        throw new Error(`unknown store write ${JSON.stringify(never)}`);
      }
    }
  }

  /**
   * At start: everything no live instance holds a lease on becomes ours. Attempts left open by a
   * dead process are closed as `interrupted`; retries and blocked issues are handed back.
   */
  async restore(now: number, ttlMs: number): Promise<RestoredState> {
    return this.#db.transaction(async (tx) => {
      const leases = (await tx.query("SELECT * FROM leases")).map(leaseFromRow);
      const live = leases.filter((l) => this.#liveElsewhere(l.workerId, l.expiresAt, now));
      const taken = new Set(live.map((l) => l.issueId));
      const free = <T extends { issueId: string }>(rows: T[]) => rows.filter((r) => !taken.has(r.issueId));
      const open = free(
        (await tx.query("SELECT * FROM attempts WHERE ended_at IS NULL")).map(attemptFromRow),
      );
      // an attempt left open by a dead process of this host may still have its agent running: kill it
      for (const a of open) if (a.workerId !== this.#workerId) this.#leftoversRunning(a.workerId);
      const interrupted = await this.#interrupt(tx, open, now);
      const retries = free((await tx.query("SELECT * FROM retry_queue")).map(retryFromRow));
      const blocked = free((await tx.query("SELECT * FROM blocked_issues")).map(blockedFromRow));
      for (const id of [...new Set([...retries, ...blocked, ...interrupted].map((r) => r.issueId))]) {
        const ref = [...retries, ...blocked, ...interrupted].find((r) => r.issueId === id);
        if (ref === undefined) continue;
        await this.#takeLease(
          tx,
          { issueId: id, identifier: ref.identifier, host: "", workspacePath: null, attempt: null },
          now,
          ttlMs,
          "any",
        );
      }
      await this.#adopt(
        tx,
        [...retries, ...blocked].map((r) => r.issueId),
      );
      // a newer attempt replaces an older one of the same issue: keep the latest per issue
      const latest = new Map<string, AttemptRecord>();
      for (const a of interrupted) {
        const seen = latest.get(a.issueId);
        if (seen === undefined || seen.startedAt < a.startedAt) latest.set(a.issueId, a);
      }
      return { retries, blocked, interrupted: [...latest.values()] };
    });
  }

  async #interrupt(tx: SqlExec, open: readonly AttemptRecord[], now: number): Promise<AttemptRecord[]> {
    const closed: AttemptRecord[] = [];
    for (const a of open) {
      await tx.query(
        "UPDATE attempts SET ended_at = ?, outcome = 'interrupted', error_code = ?, error_message = ? WHERE run_id = ? AND ended_at IS NULL",
        [now, INTERRUPTED.code, INTERRUPTED.message, a.runId],
      );
      closed.push({ ...a, endedAt: now, outcome: "interrupted", error: INTERRUPTED });
    }
    return closed;
  }

  async #adopt(tx: SqlExec, issueIds: readonly string[]): Promise<void> {
    for (const id of issueIds) {
      await tx.query("UPDATE retry_queue SET worker_id = ? WHERE issue_id = ?", [this.#workerId, id]);
      await tx.query("UPDATE blocked_issues SET worker_id = ? WHERE issue_id = ?", [this.#workerId, id]);
    }
  }

  /**
   * Writes our lease as a compare-and-swap on what the caller read (`seen`): the row is taken only when
   * it is still `seen` (same holder, same expiry), already ours, or absent. Two instances racing for
   * one issue both read "free"; the database lets exactly one of them write, the other gets false.
   */
  async #takeLease(
    tx: SqlExec,
    req: ClaimRequest,
    now: number,
    ttlMs: number,
    seen: { readonly workerId: string; readonly expiresAt: number } | null | "any",
  ): Promise<boolean> {
    // "any": callers that already decided the row is theirs to take (one process per embedded file, restore)
    const guard =
      seen === "any"
        ? ""
        : "WHERE leases.worker_id = excluded.worker_id OR (leases.worker_id = ? AND leases.expires_at = ?)";
    const expected = seen === "any" ? [] : [seen?.workerId ?? "", seen?.expiresAt ?? -1];
    const rows = await tx.query(
      `INSERT INTO leases (issue_id, identifier, worker_id, host, workspace_path, attempt, acquired_at, last_seen, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (issue_id) DO UPDATE SET identifier = excluded.identifier,
       worker_id = excluded.worker_id, host = excluded.host, workspace_path = excluded.workspace_path,
       attempt = excluded.attempt, acquired_at = excluded.acquired_at, last_seen = excluded.last_seen,
       expires_at = excluded.expires_at ${guard}
       RETURNING issue_id`,
      [
        req.issueId,
        req.identifier,
        this.#workerId,
        req.host,
        req.workspacePath,
        req.attempt,
        now,
        now,
        now + ttlMs,
        ...expected,
      ],
    );
    return rows.length > 0;
  }

  /**
   * Takes (or keeps) the lease on an issue unless another live instance holds it. Taking over an
   * expired lease hands back what the dead holder left: its open attempt (closed as interrupted),
   * its retry with the due time, or the question it was blocked on.
   */
  async claim(req: ClaimRequest, now: number, ttlMs: number): Promise<ClaimOutcome> {
    return this.#db.transaction(async (tx) => {
      const rows = await tx.query("SELECT * FROM leases WHERE issue_id = ?", [req.issueId]);
      const current = rows[0] === undefined ? null : leaseFromRow(rows[0]);
      if (current !== null && this.#liveElsewhere(current.workerId, current.expiresAt, now)) {
        return { kind: "held", holder: current };
      }
      const mine = current !== null && current.workerId === this.#workerId;
      if (!(await this.#takeLease(tx, req, now, ttlMs, current))) {
        // another instance took it between our read and our write
        const taken = await tx.query("SELECT * FROM leases WHERE issue_id = ?", [req.issueId]);
        const holder = taken[0] === undefined ? current : leaseFromRow(taken[0]);
        if (holder !== null) return { kind: "held", holder };
      }
      if (mine) return { kind: "granted", orphan: null, previous: current };
      const others = [req.issueId, this.#workerId];
      const open = (
        await tx.query(
          "SELECT * FROM attempts WHERE issue_id = ? AND worker_id <> ? AND ended_at IS NULL",
          others,
        )
      ).map(attemptFromRow);
      const interrupted = await this.#interrupt(tx, open, now);
      const retry = (
        await tx.query("SELECT * FROM retry_queue WHERE issue_id = ? AND worker_id <> ?", others)
      ).map(retryFromRow)[0];
      const blocked = (
        await tx.query("SELECT * FROM blocked_issues WHERE issue_id = ? AND worker_id <> ?", others)
      ).map(blockedFromRow)[0];
      await this.#adopt(tx, [req.issueId]);
      const latest = interrupted.sort((a, b) => b.startedAt - a.startedAt)[0] ?? null;
      const orphan = { retry: retry ?? null, blocked: blocked ?? null, interrupted: latest };
      const empty = orphan.retry === null && orphan.blocked === null && orphan.interrupted === null;
      return { kind: "granted", orphan: empty ? null : orphan, previous: current };
    });
  }

  /** Renews our leases on `claims` (taking any that lapsed and nobody took); returns the ids we lost. */
  async renew(claims: readonly ClaimRequest[], now: number, ttlMs: number): Promise<string[]> {
    if (claims.length === 0) return [];
    return this.#db.transaction(async (tx) => {
      const lost: string[] = [];
      for (const c of claims) {
        const rows = await tx.query("SELECT worker_id, expires_at FROM leases WHERE issue_id = ?", [
          c.issueId,
        ]);
        const row = rows[0];
        if (row !== undefined && this.#liveElsewhere(String(row.worker_id), num(row.expires_at), now)) {
          lost.push(c.issueId);
          continue;
        }
        const seen =
          row === undefined ? null : { workerId: String(row.worker_id), expiresAt: num(row.expires_at) };
        if (!(await this.#takeLease(tx, c, now, ttlMs, seen))) lost.push(c.issueId);
      }
      return lost;
    });
  }

  /** Gives up our leases on these issues. */
  async release(issueIds: readonly string[]): Promise<void> {
    if (issueIds.length === 0) return;
    await this.#db.transaction(async (tx) => {
      for (const id of issueIds) {
        await tx.query("DELETE FROM leases WHERE issue_id = ? AND worker_id = ?", [id, this.#workerId]);
      }
    });
  }

  /** Every lease row, live or expired, soonest-expiring first. */
  async leases(): Promise<LeaseRecord[]> {
    return (await this.#db.query("SELECT * FROM leases ORDER BY expires_at")).map(leaseFromRow);
  }

  /** Attempts, newest first. */
  async runs(query: RunQuery = {}): Promise<AttemptRecord[]> {
    const where: string[] = [];
    const args: SqlValue[] = [];
    if (query.issue !== undefined) {
      where.push("(issue_id = ? OR identifier = ?)");
      args.push(query.issue, query.issue);
    }
    if (query.since !== undefined) {
      where.push("started_at >= ?");
      args.push(query.since);
    }
    const clause = where.length === 0 ? "" : `WHERE ${where.join(" AND ")}`;
    args.push(query.limit ?? 200);
    const rows = await this.#db.query(
      `SELECT * FROM attempts ${clause} ORDER BY started_at DESC, run_id DESC LIMIT ?`,
      args,
    );
    return rows.map(attemptFromRow);
  }

  /** Token totals over recorded attempts, optionally leaving out one instance's. */
  async tokenUsage(exceptWorker: string | null = null): Promise<TokenUsage> {
    const rows = await this.#db.query(
      `SELECT COUNT(*) AS n, SUM(input_tokens) AS i, SUM(output_tokens) AS o, SUM(total_tokens) AS t,
       SUM(cost_usd) AS c FROM attempts ${exceptWorker === null ? "" : "WHERE worker_id <> ?"}`,
      exceptWorker === null ? [] : [exceptWorker],
    );
    const r = rows[0] ?? {};
    return {
      attempts: num(r.n),
      inputTokens: num(r.i),
      outputTokens: num(r.o),
      totalTokens: num(r.t),
      costUsd: num(r.c),
    };
  }

  /** The spend ledger as recorded (every issue; day buckets from `sinceDay` on). */
  spend(sinceDay: string): Promise<RecordedSpend> {
    return readSpend(this.#db, sinceDay);
  }

  /** Closes the connection. */
  close(): Promise<void> {
    return this.#db.close();
  }
}
