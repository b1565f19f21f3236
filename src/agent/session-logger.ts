import type { LogFields, Logger } from "../domain/logger.js";

/**
 * A logger that stamps `session_id` (spec 13.1: `<thread_id>-<turn_id>`) on every line from the moment
 * the backend reports a session, including lines of loggers derived from it with `child`. The id
 * changes with each turn, so it is read per line rather than bound once.
 */
export function sessionLogger(base: Logger, sessionId: () => string | null): Logger {
  const stamp = (fields?: LogFields): LogFields => ({ session_id: sessionId() ?? undefined, ...fields });
  return {
    debug: (message, fields) => base.debug(message, stamp(fields)),
    info: (message, fields) => base.info(message, stamp(fields)),
    warn: (message, fields) => base.warn(message, stamp(fields)),
    error: (message, fields) => base.error(message, stamp(fields)),
    child: (fields) => sessionLogger(base.child(fields), sessionId),
  };
}
