import type { SqlDriver, SqlExec } from "./sql-driver.js";
import { num } from "./sql-driver.js";
import { StoreFault, storeError } from "./store-error.js";

/** One schema step. SQL is portable between SQLite and PostgreSQL. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
}

/** Every schema version this code knows, oldest first. Never edit a released step; add one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "runs, ledger, retries, blocked, budgets, leases",
    statements: [
      `CREATE TABLE attempts (
        run_id TEXT PRIMARY KEY, issue_id TEXT NOT NULL, identifier TEXT NOT NULL, attempt INTEGER,
        backend TEXT NOT NULL, host TEXT NOT NULL, worker_id TEXT NOT NULL,
        started_at BIGINT NOT NULL, ended_at BIGINT, outcome TEXT, error_code TEXT, error_message TEXT,
        turns INTEGER NOT NULL DEFAULT 0, input_tokens BIGINT NOT NULL DEFAULT 0,
        output_tokens BIGINT NOT NULL DEFAULT 0, total_tokens BIGINT NOT NULL DEFAULT 0,
        cost_usd DOUBLE PRECISION, session_id TEXT, workspace_path TEXT, log_path TEXT, events_path TEXT)`,
      "CREATE INDEX attempts_by_issue ON attempts (issue_id, started_at)",
      "CREATE INDEX attempts_by_identifier ON attempts (identifier, started_at)",
      "CREATE INDEX attempts_by_start ON attempts (started_at)",
      `CREATE TABLE token_ledger (
        issue_id TEXT NOT NULL, session_id TEXT NOT NULL, identifier TEXT NOT NULL,
        input_tokens BIGINT NOT NULL, output_tokens BIGINT NOT NULL, total_tokens BIGINT NOT NULL,
        updated_at BIGINT NOT NULL, PRIMARY KEY (issue_id, session_id))`,
      `CREATE TABLE retry_queue (
        issue_id TEXT PRIMARY KEY, identifier TEXT NOT NULL, url TEXT, attempt INTEGER NOT NULL,
        due_at BIGINT NOT NULL, kind TEXT NOT NULL, error TEXT, workspace_path TEXT, host TEXT,
        worker_id TEXT NOT NULL, updated_at BIGINT NOT NULL)`,
      `CREATE TABLE blocked_issues (
        issue_id TEXT PRIMARY KEY, identifier TEXT NOT NULL, url TEXT, state TEXT NOT NULL,
        kind TEXT NOT NULL, question TEXT NOT NULL, blocked_at BIGINT NOT NULL, session_id TEXT,
        workspace_path TEXT, host TEXT NOT NULL, worker_id TEXT NOT NULL)`,
      `CREATE TABLE budgets (
        scope TEXT NOT NULL, period TEXT NOT NULL, limit_usd DOUBLE PRECISION,
        spent_usd DOUBLE PRECISION NOT NULL DEFAULT 0, updated_at BIGINT NOT NULL,
        PRIMARY KEY (scope, period))`,
      `CREATE TABLE leases (
        issue_id TEXT PRIMARY KEY, identifier TEXT NOT NULL, worker_id TEXT NOT NULL, host TEXT NOT NULL,
        workspace_path TEXT, attempt INTEGER, acquired_at BIGINT NOT NULL, last_seen BIGINT NOT NULL,
        expires_at BIGINT NOT NULL)`,
    ],
  },
  {
    version: 2,
    name: "spend ledger (lifetime per issue, per UTC day per scope)",
    statements: [
      // version 1's budgets table kept only US$ and was never written; the spend ledger replaces it
      "DROP TABLE budgets",
      `CREATE TABLE spend_issues (
        issue_id TEXT PRIMARY KEY, attempts BIGINT NOT NULL, turns BIGINT NOT NULL,
        wall_time_ms BIGINT NOT NULL, tokens BIGINT NOT NULL, cost_usd DOUBLE PRECISION NOT NULL,
        updated_at BIGINT NOT NULL)`,
      `CREATE TABLE spend_days (
        day TEXT NOT NULL, scope TEXT NOT NULL, tokens BIGINT NOT NULL, cost_usd DOUBLE PRECISION NOT NULL,
        updated_at BIGINT NOT NULL, PRIMARY KEY (day, scope))`,
    ],
  },
];

/** The newest schema version this code can use. */
export const LATEST_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

/** The schema version and what is missing. */
export interface SchemaStatus {
  readonly current: number;
  readonly latest: number;
  readonly pending: readonly Migration[];
}

const TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`;

async function currentVersion(db: SqlExec): Promise<number> {
  const rows = await db.query("SELECT MAX(version) AS v FROM schema_migrations");
  return num(rows[0]?.v);
}

/** Reads the schema version (creating the bookkeeping table on a fresh database). */
export async function schemaStatus(db: SqlDriver): Promise<SchemaStatus> {
  await db.query(TABLE);
  const current = await currentVersion(db);
  return { current, latest: LATEST_VERSION, pending: MIGRATIONS.filter((m) => m.version > current) };
}

/**
 * Applies the missing steps, each in its own transaction under the store lock (so two instances
 * starting at once apply it once). A schema newer than this code is refused: it would be misread.
 */
export async function migrate(db: SqlDriver, now: number): Promise<SchemaStatus> {
  // under the store lock: two instances starting at once must not both create the table
  await db.transaction((tx) => tx.query(TABLE));
  for (const step of MIGRATIONS) {
    await db.transaction(async (tx) => {
      const current = await currentVersion(tx);
      if (current > LATEST_VERSION) throw new StoreFault(newerSchema(current));
      if (current >= step.version) return;
      for (const sql of step.statements) await tx.query(sql);
      await tx.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", [
        step.version,
        step.name,
        now,
      ]);
    });
  }
  const status = await schemaStatus(db);
  if (status.current > LATEST_VERSION) throw new StoreFault(newerSchema(status.current));
  return status;
}

function newerSchema(found: number) {
  return storeError(
    "store_schema_newer",
    `the store has schema version ${found}, newer than this symphony understands (${LATEST_VERSION}); upgrade symphony`,
  );
}
