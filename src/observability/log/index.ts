import type { LogFields, Logger, LogLevel } from "../../domain/logger.js";
import { type Clock, systemClock } from "../../util/clock.js";
import { formatRecord, type LogFormat } from "./format.js";
import { Redactor } from "./redact.js";
import { type FileSinkOptions, type LogSink, rotatingFileSink, streamSink } from "./sinks.js";

export type { LogFormat, LogRecord } from "./format.js";
export { formatJson, formatRecord, formatText } from "./format.js";
export { MIN_SECRET_LENGTH, REDACTED, Redactor } from "./redact.js";
export type { FileSinkOptions, LogSink } from "./sinks.js";

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  readonly format?: LogFormat;
  /** Lowest level written (default `info`; `debug` with `--debug`). */
  readonly level?: LogLevel;
  /** Stream for the console sink (default `process.stderr`); null disables it. */
  readonly stderr?: NodeJS.WritableStream | null;
  /** Directory for the size-rotated `symphony.log`; unset → no file sink. */
  readonly logsRoot?: string;
  readonly file?: FileSinkOptions;
  /** Secret values to redact (e.g. `ServiceConfig.secretValues`). */
  readonly secrets?: readonly string[];
  /** The service's shared redactor (then `setSecrets` updates every surface that uses it). */
  readonly redactor?: Redactor;
  readonly clock?: Clock;
}

/** The service logger: a {@link Logger} whose redaction set can change and whose sinks can be closed. */
export interface ServiceLogger extends Logger {
  /** Replaces the set of secret values redacted from every line (call after each config reload). */
  setSecrets(values: readonly string[]): void;
  /** Flushes and closes the sinks. */
  close(): Promise<void>;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Builds the structured logger: text or JSON lines to stderr and/or a rotated file, secrets redacted. */
export function createLogger(options: LoggerOptions = {}): ServiceLogger {
  const format = options.format ?? "text";
  const minimum = RANK[options.level ?? "info"];
  const clock = options.clock ?? systemClock;
  const redactor = options.redactor ?? new Redactor();
  if (options.secrets !== undefined || options.redactor === undefined)
    redactor.setSecrets(options.secrets ?? []);
  const sinks: LogSink[] = [];
  const failed = new Set<string>();

  const emit = (level: LogLevel, message: string, fields: LogFields, except?: string): void => {
    if (RANK[level] < minimum) return;
    const clean: Record<string, LogFields[string]> = {};
    for (const [key, value] of Object.entries(fields)) {
      clean[key] = typeof value === "string" ? redactor.redact(value) : value;
    }
    const line = formatRecord(
      { at: clock.now(), level, message: redactor.redact(message), fields: clean },
      format,
    );
    // a failed sink still sees lines: dropping them is its own business, and the file sink retries
    for (const sink of sinks) if (sink.name !== except) sink.write(line);
  };

  // A failing sink never stops the service: it drops lines and the others say so.
  const onFailure = (sink: string, reason: string): void => {
    if (failed.has(sink)) return;
    failed.add(sink);
    emit("warn", "log sink failed", { sink, reason }, sink);
  };
  const onRecovery = (sink: string): void => {
    failed.delete(sink);
    emit("info", "log sink recovered", { sink });
  };

  const stderr = options.stderr === undefined ? process.stderr : options.stderr;
  if (stderr !== null) sinks.push(streamSink("stderr", stderr, onFailure));
  if (options.logsRoot !== undefined)
    sinks.push(rotatingFileSink(options.logsRoot, options.file ?? {}, onFailure, onRecovery, clock));

  const make = (bound: LogFields): Logger => ({
    debug: (message, fields = {}) => emit("debug", message, { ...bound, ...fields }),
    info: (message, fields = {}) => emit("info", message, { ...bound, ...fields }),
    warn: (message, fields = {}) => emit("warn", message, { ...bound, ...fields }),
    error: (message, fields = {}) => emit("error", message, { ...bound, ...fields }),
    child: (fields) => make({ ...bound, ...fields }),
  });
  const root = make({});
  return {
    ...root,
    setSecrets: (values) => redactor.setSecrets(values),
    async close() {
      await Promise.all(sinks.map((sink) => sink.close()));
    },
  };
}
