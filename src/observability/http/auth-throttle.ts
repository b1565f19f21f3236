import type { Clock } from "../../util/clock.js";

interface Failures {
  count: number;
  windowStart: number;
}

/**
 * Slows down token guessing: after `maxFailures` failed authentications from one client address
 * within `windowMs`, that address gets 429 until the window ends. Memory is bounded: at most
 * `maxClients` addresses are tracked, the oldest forgotten first.
 */
export class AuthThrottle {
  readonly #clock: Clock;
  readonly #maxFailures: number;
  readonly #windowMs: number;
  readonly #maxClients: number;
  readonly #byClient = new Map<string, Failures>();

  constructor(clock: Clock, options: { maxFailures?: number; windowMs?: number; maxClients?: number } = {}) {
    this.#clock = clock;
    this.#maxFailures = options.maxFailures ?? 10;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#maxClients = options.maxClients ?? 10_000;
  }

  /** Milliseconds this client must wait before trying again; 0 when it may try now. */
  retryAfterMs(client: string): number {
    const entry = this.#current(client);
    if (entry === null || entry.count < this.#maxFailures) return 0;
    return entry.windowStart + this.#windowMs - this.#clock.now();
  }

  /** Records one failed authentication. */
  fail(client: string): void {
    const entry = this.#current(client);
    if (entry !== null) {
      entry.count += 1;
      return;
    }
    if (this.#byClient.size >= this.#maxClients) {
      const oldest = this.#byClient.keys().next().value;
      if (oldest !== undefined) this.#byClient.delete(oldest);
    }
    this.#byClient.set(client, { count: 1, windowStart: this.#clock.now() });
  }

  /** Forgets a client after it authenticated. */
  succeed(client: string): void {
    this.#byClient.delete(client);
  }

  #current(client: string): Failures | null {
    const entry = this.#byClient.get(client);
    if (entry === undefined) return null;
    if (this.#clock.now() - entry.windowStart >= this.#windowMs) {
      this.#byClient.delete(client);
      return null;
    }
    return entry;
  }
}
