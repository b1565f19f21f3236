import pg from "pg";
import { numberedPlaceholders, type SqlDriver, type SqlExec, type SqlRow } from "./sql-driver.js";

/** The advisory lock every store transaction takes, so concurrent migrations and claims serialise. */
const STORE_LOCK = 0x5379_6d70;

/** Connects a small pool to a PostgreSQL server (`postgres://…`); fails fast when it is unreachable. */
export async function openPgDriver(url: string): Promise<SqlDriver> {
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5_000 });
  // an idle client losing its server must not crash the process; the next query reports it
  pool.on("error", () => {});
  const exec = (c: Pick<pg.Pool, "query">): SqlExec => ({
    async query(sql, args) {
      const result = await c.query(numberedPlaceholders(sql), [...(args ?? [])]);
      return result.rows as readonly SqlRow[];
    },
  });
  try {
    await pool.query("SELECT 1");
  } catch (cause) {
    await pool.end().catch(() => {});
    throw cause;
  }
  return {
    dialect: "postgres",
    ...exec(pool),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        await client.query("SELECT pg_advisory_xact_lock($1)", [STORE_LOCK]);
        const value = await fn(exec(client));
        await client.query("COMMIT");
        return value;
      } catch (cause) {
        await client.query("ROLLBACK").catch(() => {});
        throw cause;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}
