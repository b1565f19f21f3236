import type { Logger } from "../domain/logger.js";
import { classifyStoreFailure, type StoreError } from "./store-error.js";

/** The store's current failure (if any), logged once per new failure code and once on recovery. */
export class StoreHealthState {
  readonly #logger: Logger;
  readonly #keys: { readonly store: string; readonly location: string };
  #error: StoreError | null;
  #failures = 0;

  constructor(logger: Logger, keys: { store: string; location: string }, initial: StoreError | null) {
    this.#logger = logger;
    this.#keys = keys;
    this.#error = initial;
  }

  /** The current failure, null when healthy. */
  get error(): StoreError | null {
    return this.#error;
  }

  /** Consecutive failed writes (for the retry backoff). */
  get failures(): number {
    return this.#failures;
  }

  /** Records a failure; returns it typed. */
  fail(cause: unknown, countsAsWrite = false): StoreError {
    const error = classifyStoreFailure(cause);
    const first = this.#error === null || this.#error.code !== error.code;
    this.#error = error;
    if (countsAsWrite) this.#failures += 1;
    if (first) {
      this.#logger.error(
        "store failing; scheduling continues from memory and writes are retried",
        this.keys(),
      );
    }
    return error;
  }

  /** Records success after a failure. */
  recovered(pending: number): void {
    if (this.#error === null) return;
    this.#logger.info("store recovered", { store: this.#keys.store, pending });
    this.#error = null;
    this.#failures = 0;
  }

  /** Log keys naming the store and its failure. */
  keys(): Record<string, string> {
    return { ...this.#keys, code: this.#error?.code ?? "", error: this.#error?.message ?? "" };
  }
}
