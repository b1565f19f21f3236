import type { LogFields, Logger } from "../../src/domain/logger.js";

/** One `warn` call a `warningLogger` recorded. */
export interface RecordedWarning {
  message: string;
  fields: LogFields | undefined;
}

/** A Logger that records `warn` calls (children share the record) and drops every other level. */
export function warningLogger(): { logger: Logger; warnings: RecordedWarning[] } {
  const warnings: RecordedWarning[] = [];
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: (message, fields) => warnings.push({ message, fields }),
    error: () => {},
    child: () => logger,
  };
  return { logger, warnings };
}
