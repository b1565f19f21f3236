/** Remembers the most recent webhook delivery ids (bounded, least recently seen evicted first). */
export class DeliveryIds {
  readonly #capacity: number;
  readonly #seen = new Map<string, true>();

  constructor(capacity = 1_000) {
    this.#capacity = capacity;
  }

  /** Records the id; true when it was already among the remembered ones. */
  seen(id: string): boolean {
    const known = this.#seen.delete(id);
    this.#seen.set(id, true);
    if (this.#seen.size > this.#capacity) {
      const oldest = this.#seen.keys().next();
      if (oldest.done !== true) this.#seen.delete(oldest.value);
    }
    return known;
  }
}
