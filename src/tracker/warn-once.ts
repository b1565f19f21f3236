import type { LogFields, Logger } from "../domain/logger.js";

/**
 * Logs a warning the first time a key is seen and stays quiet after that, so a malformed record in
 * the tracker is reported once instead of on every poll.
 */
export class WarnOnce {
  readonly #logger: Logger;
  readonly #seen = new Set<string>();

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Warns unless `key` was warned about before. */
  warn(key: string, message: string, fields: LogFields): void {
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.#logger.warn(message, fields);
  }
}
