import { messageOf } from "../domain/errors.js";
import type { Logger } from "../domain/logger.js";
import type { ObserverEvent } from "../domain/snapshot.js";

/** Fans observer events out; a throwing listener is logged and never reaches the core. */
export class ObserverHub {
  readonly #listeners = new Set<(event: ObserverEvent) => void>();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Registers a listener; returns the unsubscribe function. */
  subscribe(listener: (event: ObserverEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Delivers one event to every listener synchronously; listeners are never awaited. */
  notify(event: ObserverEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (cause) {
        this.#logger.warn("observer failed", { error: messageOf(cause) });
      }
    }
  }
}
