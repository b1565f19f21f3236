import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../src/domain/logger.js";
import { SpendGuard } from "../../src/spend/guard.js";
import { DEFAULT_SPEND_SETTINGS, type SpendSettings } from "../../src/spend/settings.js";
import { StoreJournal } from "../../src/store/journal.js";
import { openLibsqlDriver } from "../../src/store/libsql-driver.js";
import { migrate } from "../../src/store/migrations.js";
import { openPgDriver } from "../../src/store/pg-driver.js";
import type { SqlDriver } from "../../src/store/sql-driver.js";
import { SqlStore } from "../../src/store/sql-store.js";
import { ManualClock } from "../support/manual-clock.js";
import { makeIssue } from "../support/orchestrator/fixtures.js";
import { harness } from "../support/orchestrator/harness.js";
import { POSTGRES_HINT, postgresPerFile } from "../support/postgres.js";
import { tempDirsPerTest } from "../support/temp-dir.js";
import { until } from "../support/until.js";

// The spend ledger kept in the durable store: counts survive a restart, several instances on one
// PostgreSQL see each other's spend, and an attempt's record carries its cost.

const temp = tempDirsPerTest("symphony-spend-store-");
const pg = postgresPerFile();
const skipPg = pg.skip;

const EMPTY_VIEW = () => ({ running: [], retries: [], blocked: [], claims: [] });
const DAY_BUDGET = { period: "day", label: null, state: null } as const;

async function journalOn(db: SqlDriver, clock: ManualClock, shared: boolean, worker: string, open = true) {
  await migrate(db, clock.now());
  const journal = new StoreJournal({
    store: new SqlStore(db, worker),
    openError: null,
    kind: shared ? "postgres" : "embedded",
    location: "test",
    shared,
    workerId: worker,
    leaseTtlMs: 60_000,
    clock,
    logger: silentLogger,
  });
  // the orchestrator opens its journal itself
  if (open) await journal.open(EMPTY_VIEW);
  return journal;
}

/** Lets the journal's batch (100 ms on the manual clock) run and its write finish. */
async function flush(clock: ManualClock): Promise<void> {
  clock.advance(200);
  for (let i = 0; i < 20; i += 1) await new Promise((r) => setImmediate(r));
}

const drivers: Array<[string, () => Promise<() => Promise<SqlDriver>>, boolean]> = [
  [
    "embedded (libSQL file)",
    async () => {
      const file = join(await temp(), "s.db");
      return () => openLibsqlDriver(file);
    },
    false,
  ],
  [
    `postgres (skipped without it: ${POSTGRES_HINT})`,
    async () => {
      const url = await pg.server().newDatabase();
      return () => openPgDriver(url);
    },
    skipPg,
  ],
];

describe.each(drivers)("the spend ledger on %s", (_name, database, skip) => {
  it.skipIf(skip)("lifetime and day counts survive closing and reopening the store", async () => {
    const open = await database();
    const clock = new ManualClock(Date.UTC(2026, 5, 10, 12));
    const first = await journalOn(await open(), clock, false, "w1");
    const at = clock.now();
    first.ledger.add({ issueId: "i-1", at, labels: ["Backend"], state: "Todo", attempts: 1 });
    // many usage events before the next batch: merged into one write, nothing lost
    for (let i = 0; i < 50; i += 1)
      first.ledger.add({
        issueId: "i-1",
        at,
        labels: ["Backend"],
        state: "Todo",
        tokens: 100,
        costUsd: 0.01,
      });
    first.ledger.add({ issueId: "i-1", at, labels: ["Backend"], state: "Todo", turns: 2, wallTimeMs: 1_500 });
    first.ledger.add({ issueId: "i-2", at, labels: [], state: "In Progress", tokens: 7, costUsd: 0.5 });
    await flush(clock);
    await first.close();

    const second = await journalOn(await open(), clock, false, "w2");
    try {
      const spent = second.ledger.issue("i-1");
      expect(spent).toMatchObject({ attempts: 1, turns: 2, wallTimeMs: 1_500, tokens: 5_000 });
      expect(spent.costUsd).toBeCloseTo(0.5, 9);
      const all = second.ledger.period({ ...DAY_BUDGET }, clock.now());
      expect(all.tokens).toBe(5_007);
      expect(all.costUsd).toBeCloseTo(1.0, 9);
      expect(second.ledger.period({ ...DAY_BUDGET, label: "backend" }, clock.now()).tokens).toBe(5_000);
      expect(second.ledger.period({ ...DAY_BUDGET, state: "in progress" }, clock.now()).tokens).toBe(7);
      // the next UTC day starts from zero, the month still counts it
      const tomorrow = Date.UTC(2026, 5, 11, 1);
      expect(second.ledger.period({ ...DAY_BUDGET }, tomorrow).tokens).toBe(0);
      expect(second.ledger.period({ ...DAY_BUDGET, period: "month" }, tomorrow).tokens).toBe(5_007);
      // what is added after the reopen counts on top of what was read
      second.ledger.add({ issueId: "i-1", at: clock.now(), labels: [], state: "Todo", turns: 1 });
      expect(second.ledger.issue("i-1").turns).toBe(3);
    } finally {
      await second.close();
    }
  });
});

describe("several instances on one PostgreSQL", () => {
  it.skipIf(skipPg)(
    "each sees the other's spend after its heartbeat, without counting anything twice",
    async () => {
      const url = await pg.server().newDatabase();
      const clock = new ManualClock(Date.UTC(2026, 5, 10, 12));
      const a = await journalOn(await openPgDriver(url), clock, true, "wa");
      const b = await journalOn(await openPgDriver(url), clock, true, "wb");
      try {
        a.ledger.add({ issueId: "i-1", at: clock.now(), labels: [], state: "Todo", tokens: 300, costUsd: 3 });
        b.ledger.add({ issueId: "i-2", at: clock.now(), labels: [], state: "Todo", tokens: 200, costUsd: 2 });
        await flush(clock);
        expect(a.ledger.period({ ...DAY_BUDGET }, clock.now()).tokens).toBe(300);
        // the heartbeat (every TTL/3 = 20 s) marks the ledger for a re-read with the next write
        clock.advance(20_000);
        // the heartbeat's reads and the write after it are real round trips to the server
        await until(
          () => {
            clock.advance(200);
            return [a, b].every((j) => j.ledger.period({ ...DAY_BUDGET }, clock.now()).tokens >= 500);
          },
          10_000,
          "both ledgers re-read",
        );
        for (const j of [a, b]) {
          const day = j.ledger.period({ ...DAY_BUDGET }, clock.now());
          expect(day.tokens).toBe(500);
          expect(day.costUsd).toBeCloseTo(5, 9);
        }
        expect(b.ledger.issue("i-1").tokens).toBe(300);
      } finally {
        await a.close();
        await b.close();
      }
    },
  );
});

describe("the orchestrator on a real store", () => {
  it("records each attempt's cost (null when nothing priced it), and a restart keeps the issue's caps used", async () => {
    const file = join(await temp(), "s.db");
    const limits: SpendSettings = {
      ...DEFAULT_SPEND_SETTINGS,
      issue: { ...DEFAULT_SPEND_SETTINGS.issue, turns: 2 },
      prices: { "test-model": { input: 1, cachedInput: 0.1, output: 10 } },
    };
    const issue = makeIssue({ identifier: "C-1", state: "In Progress" });
    const clock = new ManualClock(Date.UTC(2026, 5, 10, 12));
    const journal = await journalOn(await openLibsqlDriver(file), clock, false, "w1", false);
    const h = await harness(
      [issue],
      { limits },
      { spend: new SpendGuard(journal.ledger, () => limits), journal, clock },
    );
    await h.orchestrator.start();
    await h.settle();
    const now = () => h.clock.now();
    h.launcher.emit(issue.id, {
      type: "session_started",
      sessionId: "s-1",
      threadId: "t",
      turnId: "1",
      pid: null,
      model: "test-model",
      at: now(),
    });
    // 100k input + 10k output = US$0.1 + US$0.1
    h.launcher.emit(issue.id, {
      type: "token_usage",
      totals: { inputTokens: 100_000, outputTokens: 10_000, totalTokens: 110_000 },
      at: now(),
    });
    h.launcher.emit(issue.id, { type: "turn_completed", turn: 1, message: "", at: now() });
    h.launcher.emit(issue.id, { type: "turn_completed", turn: 2, message: "", at: now() });
    await h.settle();
    // the turns cap (2) parked it
    expect(h.orchestrator.snapshot().blocked[0]?.limit).toMatchObject({ limit: "turns" });
    await h.close();
    await journal.close();

    const db = await openLibsqlDriver(file);
    try {
      const [run] = await new SqlStore(db, "reader").runs({ issue: "C-1" });
      expect(run?.costUsd).toBeCloseTo(0.2, 9);
      expect(run?.tokens.totalTokens).toBe(110_000);
    } finally {
      await db.close();
    }

    // a fresh service on the same store: the cap is still used up, so the issue is not dispatched again
    const reopened = await journalOn(await openLibsqlDriver(file), clock, false, "w2", false);
    const h2 = await harness(
      [issue],
      { limits },
      { spend: new SpendGuard(reopened.ledger, () => limits), journal: reopened, clock },
    );
    try {
      await h2.orchestrator.start();
      await h2.settle();
      expect(reopened.ledger.issue(issue.id)).toMatchObject({ attempts: 1, turns: 2, tokens: 110_000 });
      expect(h2.launcher.requests).toHaveLength(0);
      expect(h2.orchestrator.snapshot().blocked[0]?.limit).toMatchObject({ limit: "turns", used: 2 });
    } finally {
      await h2.close();
      await reopened.close();
    }
  });
});
