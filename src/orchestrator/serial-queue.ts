/** Processes messages strictly one at a time, in arrival order; handlers may await. */
export class SerialQueue<M> {
  readonly #queue: M[] = [];
  readonly #handle: (message: M) => Promise<void>;
  readonly #onError: (message: M, cause: unknown) => void;
  readonly #idleWaiters: (() => void)[] = [];
  #draining = false;

  constructor(handle: (message: M) => Promise<void>, onError: (message: M, cause: unknown) => void) {
    this.#handle = handle;
    this.#onError = onError;
  }

  /** Appends a message and starts draining when idle. */
  push(message: M): void {
    this.#queue.push(message);
    if (!this.#draining) void this.#drain();
  }

  /** Resolves once nothing is queued or being handled. */
  idle(): Promise<void> {
    if (!this.#draining && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      for (let message = this.#queue.shift(); message !== undefined; message = this.#queue.shift()) {
        try {
          await this.#handle(message);
        } catch (cause) {
          this.#onError(message, cause);
        }
      }
    } finally {
      this.#draining = false;
      for (const resolve of this.#idleWaiters.splice(0)) resolve();
    }
  }
}
