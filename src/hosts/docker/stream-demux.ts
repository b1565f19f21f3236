import { PassThrough } from "node:stream";

/**
 * Splits the Engine API's multiplexed attach stream (8-byte frame header: stream id, 3 zero bytes,
 * big-endian length) into stdout and stderr. Both outputs end when `end()` is called.
 */
export class StreamDemux {
  /** Frames with stream id 1 (and 0, stdin echo, which a non-TTY attach never sends). */
  readonly stdout = new PassThrough();
  /** Frames with stream id 2. */
  readonly stderr = new PassThrough();
  #pending: Buffer = Buffer.alloc(0);
  #ended = false;

  /** Feeds raw bytes from the connection (ignored once ended). */
  push(chunk: Buffer): void {
    if (this.#ended) return;
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    while (this.#pending.length >= 8) {
      const size = this.#pending.readUInt32BE(4);
      if (this.#pending.length < 8 + size) return;
      const stream = this.#pending[0];
      const payload = this.#pending.subarray(8, 8 + size);
      this.#pending = this.#pending.subarray(8 + size);
      (stream === 2 ? this.stderr : this.stdout).write(payload);
    }
  }

  /** Writes a line of our own to stderr (ignored once ended). */
  note(text: string): void {
    if (!this.#ended) this.stderr.write(`${text}\n`);
  }

  /** Ends both outputs (any incomplete frame is dropped); later calls do nothing. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.stdout.end();
    this.stderr.end();
  }
}
