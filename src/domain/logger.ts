/** Structured log fields; values are rendered as `key=value` (text) or JSON. */
export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** Log severity. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** The one logger interface every component takes. Messages are stable; details go in fields. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` (e.g. `issue_id`, `issue_identifier`, `session_id`) to every line. */
  child(fields: LogFields): Logger;
}

/** A logger that drops everything (for unit tests that do not assert on logs). */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
