/** A value bound to a `?` placeholder. */
export type SqlValue = string | number | null;

/** One result row; numbers may come back as strings from PostgreSQL BIGINT columns. */
export type SqlRow = Readonly<Record<string, unknown>>;

/** A statement with its arguments. */
export interface SqlStatement {
  readonly sql: string;
  readonly args: readonly SqlValue[];
}

/** Runs statements. SQL is written once, portable between SQLite and PostgreSQL, with `?` placeholders. */
export interface SqlExec {
  query(sql: string, args?: readonly SqlValue[]): Promise<readonly SqlRow[]>;
}

/** A database connection the store is written against (libSQL file or PostgreSQL server). */
export interface SqlDriver extends SqlExec {
  readonly dialect: "sqlite" | "postgres";
  /** Runs `fn` in one write transaction that holds the store-wide migration lock. */
  transaction<T>(fn: (tx: SqlExec) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** `?` placeholders as PostgreSQL's `$1, $2, …` (our SQL has no `?` inside string literals). */
export function numberedPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => {
    n += 1;
    return `$${n}`;
  });
}

/** A numeric column value (PostgreSQL returns BIGINT and SUM as strings). */
export function num(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string" && value !== "") return Number(value);
  return 0;
}

/** A nullable numeric column value. */
export function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : num(value);
}

/** A nullable text column value. */
export function textOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}
