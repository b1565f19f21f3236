/** Collects process output up to a cap, keeping the head and the tail (where errors usually are). */
export class CappedOutput {
  readonly #half: number;
  #head: Buffer[] = [];
  #headBytes = 0;
  #tail: Buffer = Buffer.alloc(0);
  #dropped = 0;

  constructor(maxBytes: number) {
    this.#half = Math.max(1, Math.floor(maxBytes / 2));
  }

  /** Appends a chunk. */
  push(chunk: Buffer): void {
    let rest = chunk;
    if (this.#headBytes < this.#half) {
      const take = rest.subarray(0, this.#half - this.#headBytes);
      this.#head.push(take);
      this.#headBytes += take.length;
      rest = rest.subarray(take.length);
    }
    if (rest.length === 0) return;
    const joined = Buffer.concat([this.#tail, rest]);
    const excess = joined.length - this.#half;
    if (excess > 0) this.#dropped += excess;
    this.#tail = excess > 0 ? joined.subarray(excess) : joined;
  }

  /** True when bytes were dropped between head and tail. */
  get truncated(): boolean {
    return this.#dropped > 0;
  }

  /** The kept output as text, with a marker where bytes were dropped. */
  text(): string {
    const head = Buffer.concat(this.#head).toString("utf8");
    if (this.#dropped === 0) return head + this.#tail.toString("utf8");
    return `${head}\n... (${this.#dropped} bytes truncated) ...\n${this.#tail.toString("utf8")}`;
  }
}
