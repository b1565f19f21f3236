import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AttemptRecord } from "../../src/domain/run-record.js";
import { openLibsqlDriver } from "../../src/store/libsql-driver.js";
import { LATEST_VERSION, migrate, schemaStatus } from "../../src/store/migrations.js";
import { openPgDriver } from "../../src/store/pg-driver.js";
import type { SqlDriver } from "../../src/store/sql-driver.js";
import { SqlStore } from "../../src/store/sql-store.js";
import { classifyStoreFailure } from "../../src/store/store-error.js";
import { POSTGRES_HINT, skipWithoutPostgres, startPostgres, type TestPostgres } from "../support/postgres.js";
import { tempDirsPerTest } from "../support/temp-dir.js";

const temp = tempDirsPerTest("symphony-store-");
let pg: TestPostgres | null = null;
const skipPg = skipWithoutPostgres();

beforeAll(async () => {
  if (!skipPg) pg = await startPostgres();
}, 60_000);
afterAll(async () => {
  await pg?.close();
});

function attempt(partial: Partial<AttemptRecord> & { runId: string }): AttemptRecord {
  return {
    issueId: "id-1",
    identifier: "A-1",
    attempt: null,
    backend: "command",
    host: "local",
    workerId: "w1",
    startedAt: 1_000,
    endedAt: null,
    outcome: null,
    error: null,
    turns: 0,
    tokens: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
    costUsd: null,
    sessionId: null,
    workspacePath: "/ws/A-1",
    logPath: null,
    eventsPath: null,
    ...partial,
  };
}

const backends: Array<[string, () => Promise<SqlDriver>, boolean]> = [
  ["embedded (libSQL file)", async () => openLibsqlDriver(join(await temp(), "s.db")), false],
  [
    `postgres (skipped without it: ${POSTGRES_HINT})`,
    async () => openPgDriver(await (pg as TestPostgres).newDatabase()),
    skipPg,
  ],
];

describe.each(backends)("SqlStore on %s", (_name, open, skip) => {
  it.skipIf(skip)("migrates once, reports the version and refuses a newer schema", async () => {
    const db = await open();
    try {
      expect((await schemaStatus(db)).current).toBe(0);
      expect((await migrate(db, 1)).current).toBe(LATEST_VERSION);
      expect((await migrate(db, 2)).pending).toEqual([]);
      await db.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", [
        99,
        "future",
        3,
      ]);
      const failure = await migrate(db, 4).then(
        () => null,
        (cause: unknown) => classifyStoreFailure(cause),
      );
      expect(failure?.code).toBe("store_schema_newer");
    } finally {
      await db.close();
    }
  });

  it.skipIf(skip)(
    "records attempts and the ledger high-water; restore interrupts open attempts and hands back retries and blocked issues",
    async () => {
      const db = await open();
      await migrate(db, 0);
      const store = new SqlStore(db, "w1");
      await store.write([
        {
          type: "attempt",
          record: attempt({
            runId: "r1",
            endedAt: 2_000,
            outcome: "failed",
            error: { code: "worker_failed", message: "boom" },
            tokens: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
          }),
        },
        {
          type: "attempt",
          record: attempt({ runId: "r2", issueId: "id-2", identifier: "A-2", startedAt: 3_000 }),
        },
        {
          type: "ledger",
          issueId: "id-1",
          identifier: "A-1",
          sessionId: "s1",
          tokens: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
          at: 2_000,
        },
        {
          type: "ledger",
          issueId: "id-1",
          identifier: "A-1",
          sessionId: "s1",
          tokens: { inputTokens: 4, outputTokens: 9, totalTokens: 13 },
          at: 2_100,
        },
        {
          type: "retry_put",
          record: {
            issueId: "id-1",
            identifier: "A-1",
            url: null,
            attempt: 2,
            dueAt: 50_000,
            kind: "failure",
            error: { code: "worker_failed", message: "boom", retryable: true },
            workspacePath: "/ws/A-1",
            host: "local",
          },
        },
        {
          type: "blocked_put",
          record: {
            issueId: "id-3",
            identifier: "A-3",
            url: null,
            state: "Todo",
            kind: "user_input",
            question: "which db?",
            blockedAt: 4_000,
            sessionId: null,
            workspacePath: "/ws/A-3",
            host: "local",
          },
        },
      ]);
      const ledger = await db.query("SELECT input_tokens, output_tokens, total_tokens FROM token_ledger");
      expect(
        ledger.map((r) => [Number(r.input_tokens), Number(r.output_tokens), Number(r.total_tokens)]),
      ).toEqual([[10, 9, 15]]);
      const usage = await store.tokenUsage();
      expect(usage).toMatchObject({ attempts: 2, inputTokens: 10, totalTokens: 15 });
      await store.close();
    },
  );

  it.skipIf(skip)(
    "restore after a crash: open attempt interrupted, retry keeps its due time, blocked keeps its question",
    async () => {
      const db = await open();
      await migrate(db, 0);
      const first = new SqlStore(db, "w1");
      await first.write([
        {
          type: "attempt",
          record: attempt({ runId: "r2", issueId: "id-2", identifier: "A-2", startedAt: 3_000 }),
        },
        {
          type: "retry_put",
          record: {
            issueId: "id-1",
            identifier: "A-1",
            url: null,
            attempt: 2,
            dueAt: 50_000,
            kind: "failure",
            error: { code: "worker_failed", message: "boom", retryable: true },
            workspacePath: "/ws/A-1",
            host: "local",
          },
        },
        {
          type: "blocked_put",
          record: {
            issueId: "id-3",
            identifier: "A-3",
            url: null,
            state: "Todo",
            kind: "user_input",
            question: "which db?",
            blockedAt: 4_000,
            sessionId: null,
            workspacePath: "/ws/A-3",
            host: "local",
          },
        },
      ]);
      const second = new SqlStore(db, "w2", () => false);
      const restored = await second.restore(10_000, 60_000);
      expect(restored.interrupted.map((a) => [a.runId, a.outcome, a.error?.code])).toEqual([
        ["r2", "interrupted", "interrupted"],
      ]);
      expect(restored.retries.map((r) => [r.identifier, r.dueAt, r.attempt])).toEqual([["A-1", 50_000, 2]]);
      expect(restored.blocked.map((b) => [b.identifier, b.question])).toEqual([["A-3", "which db?"]]);
      const runs = await second.runs({ issue: "A-2" });
      expect(runs.map((r) => [r.runId, r.outcome, r.endedAt])).toEqual([["r2", "interrupted", 10_000]]);
      expect((await second.restore(11_000, 60_000)).interrupted).toEqual([]);
      await db.close();
    },
  );

  it.skipIf(skip)(
    "claims are leases: held by a live instance, taken over once expired with what the holder left",
    async () => {
      const db = await open();
      await migrate(db, 0);
      const a = new SqlStore(db, "A");
      const b = new SqlStore(db, "B");
      const req = { issueId: "id-1", identifier: "A-1", host: "local", workspacePath: null, attempt: null };
      expect(await a.claim(req, 1_000, 60_000)).toMatchObject({ kind: "granted", orphan: null });
      const held = await b.claim(req, 2_000, 60_000);
      expect(held.kind).toBe("held");
      expect(held.kind === "held" ? [held.holder.workerId, held.holder.expiresAt] : null).toEqual([
        "A",
        61_000,
      ]);
      expect(await a.renew([req], 50_000, 60_000)).toEqual([]);
      expect((await b.claim(req, 100_000, 60_000)).kind).toBe("held");
      await a.write([
        { type: "attempt", record: attempt({ runId: "ra", workerId: "A", startedAt: 60_000 }) },
      ]);
      const taken = await b.claim(req, 120_000, 60_000);
      expect(taken.kind).toBe("granted");
      expect(taken.kind === "granted" ? taken.orphan?.interrupted?.runId : null).toBe("ra");
      expect(await a.renew([req], 121_000, 60_000)).toEqual(["id-1"]);
      expect((await b.leases()).map((l) => [l.issueId, l.workerId])).toEqual([["id-1", "B"]]);
      await b.release(["id-1"]);
      expect(await b.leases()).toEqual([]);
      await db.close();
    },
  );
});

describe("store failures are typed", () => {
  it("a file that is not a database is store_corrupt", async () => {
    const file = join(await temp(), "bad.db");
    await writeFile(file, "not a database ".repeat(300));
    const failure = await openLibsqlDriver(file)
      .then((db) => migrate(db, 0))
      .then(
        () => null,
        (cause: unknown) => classifyStoreFailure(cause),
      );
    expect(failure?.code).toBe("store_corrupt");
  });

  it.skipIf(skipPg)("a server that is not listening is store_unreachable", async () => {
    const failure = await openPgDriver("postgres://postgres@127.0.0.1:1/none").then(
      () => null,
      (cause: unknown) => classifyStoreFailure(cause),
    );
    expect(failure?.code).toBe("store_unreachable");
  });
});
