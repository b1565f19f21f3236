import { type Client, createClient, type InStatement } from "@libsql/client";
import type { SqlDriver, SqlExec, SqlRow, SqlValue } from "./sql-driver.js";

function statement(sql: string, args: readonly SqlValue[] | undefined): InStatement {
  return { sql, args: [...(args ?? [])] };
}

/** Opens (creating it if needed) an SQLite file through libSQL, in WAL mode with a busy timeout. */
export async function openLibsqlDriver(path: string): Promise<SqlDriver> {
  const client: Client = createClient({ url: `file:${path}` });
  try {
    await client.execute("PRAGMA busy_timeout = 5000");
    await client.execute("PRAGMA journal_mode = WAL");
    // WAL + NORMAL: a commit survives the process being killed; only a power cut may lose the last ones
    await client.execute("PRAGMA synchronous = NORMAL");
  } catch (cause) {
    client.close();
    throw cause;
  }
  const exec = (c: Pick<Client, "execute">): SqlExec => ({
    async query(sql, args) {
      const result = await c.execute(statement(sql, args));
      return result.rows as unknown as readonly SqlRow[];
    },
  });
  return {
    dialect: "sqlite",
    ...exec(client),
    async transaction(fn) {
      const tx = await client.transaction("write");
      try {
        const value = await fn(exec(tx));
        await tx.commit();
        return value;
      } catch (cause) {
        await tx.rollback().catch(() => {});
        throw cause;
      } finally {
        tx.close();
      }
    },
    async close() {
      client.close();
    },
  };
}
