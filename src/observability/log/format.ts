import type { LogFields, LogLevel } from "../../domain/logger.js";

/** One log event, before formatting. */
export interface LogRecord {
  readonly at: number;
  readonly level: LogLevel;
  readonly message: string;
  readonly fields: LogFields;
}

/** Output formats: stable `key=value` text, or one JSON object per line. */
export type LogFormat = "text" | "json";

const BARE = /^[A-Za-z0-9_./:@+,-]+$/;

function textValue(value: string | number | boolean | null): string {
  if (value === null) return "null";
  if (typeof value !== "string") return String(value);
  return BARE.test(value) ? value : JSON.stringify(value);
}

/** `2026-01-01T00:00:00.000Z level=info msg="…" key=value …` — strings with spaces or quotes are JSON-quoted. */
export function formatText(record: LogRecord): string {
  const parts = [
    new Date(record.at).toISOString(),
    `level=${record.level}`,
    `msg=${textValue(record.message)}`,
  ];
  for (const [key, value] of Object.entries(record.fields)) {
    if (value !== undefined) parts.push(`${key}=${textValue(value)}`);
  }
  return parts.join(" ");
}

/** `{"ts":"…","level":"info","msg":"…",…fields}` on one line. */
export function formatJson(record: LogRecord): string {
  const out: Record<string, unknown> = {
    ts: new Date(record.at).toISOString(),
    level: record.level,
    msg: record.message,
  };
  for (const [key, value] of Object.entries(record.fields)) {
    if (value !== undefined && !(key in out)) out[key] = value;
  }
  return JSON.stringify(out);
}

/** Formats a record in the chosen format (no trailing newline). */
export function formatRecord(record: LogRecord, format: LogFormat): string {
  return format === "json" ? formatJson(record) : formatText(record);
}
