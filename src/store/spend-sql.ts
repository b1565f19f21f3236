import type { IssueSpend, SpendIncrement } from "../spend/index.js";
import { scopeKeys, utcDay } from "../spend/index.js";
import { num, type SqlExec } from "./sql-driver.js";

/** One recorded day bucket of the spend ledger. */
export interface SpendDayRow {
  readonly day: string;
  readonly scope: string;
  readonly tokens: number;
  readonly costUsd: number;
}

/** What the store holds of the spend ledger: lifetime totals per issue and recent day buckets. */
export interface RecordedSpend {
  readonly issues: ReadonlyArray<readonly [string, IssueSpend]>;
  readonly days: readonly SpendDayRow[];
}

/** Adds one increment: to the issue's lifetime row and, when it spent tokens or money, to its day buckets. */
export async function addSpend(tx: SqlExec, inc: SpendIncrement): Promise<void> {
  await tx.query(
    `INSERT INTO spend_issues (issue_id, attempts, turns, wall_time_ms, tokens, cost_usd, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (issue_id) DO UPDATE SET
     attempts = spend_issues.attempts + excluded.attempts, turns = spend_issues.turns + excluded.turns,
     wall_time_ms = spend_issues.wall_time_ms + excluded.wall_time_ms,
     tokens = spend_issues.tokens + excluded.tokens, cost_usd = spend_issues.cost_usd + excluded.cost_usd,
     updated_at = excluded.updated_at`,
    [
      inc.issueId,
      inc.attempts ?? 0,
      inc.turns ?? 0,
      Math.round(inc.wallTimeMs ?? 0),
      Math.round(inc.tokens ?? 0),
      inc.costUsd ?? 0,
      inc.at,
    ],
  );
  const tokens = Math.round(inc.tokens ?? 0);
  const costUsd = inc.costUsd ?? 0;
  if (tokens === 0 && costUsd === 0) return;
  const day = utcDay(inc.at);
  for (const scope of scopeKeys(inc.labels, inc.state)) {
    await tx.query(
      `INSERT INTO spend_days (day, scope, tokens, cost_usd, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (day, scope) DO UPDATE SET tokens = spend_days.tokens + excluded.tokens,
       cost_usd = spend_days.cost_usd + excluded.cost_usd, updated_at = excluded.updated_at`,
      [day, scope, tokens, costUsd, inc.at],
    );
  }
}

/** Every issue's lifetime totals and the day buckets from `sinceDay` (`YYYY-MM-DD`) on. */
export async function readSpend(db: SqlExec, sinceDay: string): Promise<RecordedSpend> {
  const issueRows = await db.query("SELECT * FROM spend_issues");
  const dayRows = await db.query("SELECT * FROM spend_days WHERE day >= ?", [sinceDay]);
  return {
    issues: issueRows.map((r) => [
      String(r.issue_id),
      {
        attempts: num(r.attempts),
        turns: num(r.turns),
        wallTimeMs: num(r.wall_time_ms),
        tokens: num(r.tokens),
        costUsd: num(r.cost_usd),
      },
    ]),
    days: dayRows.map((r) => ({
      day: String(r.day),
      scope: String(r.scope),
      tokens: num(r.tokens),
      costUsd: num(r.cost_usd),
    })),
  };
}
