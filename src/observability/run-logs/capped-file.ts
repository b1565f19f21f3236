import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { dirname } from "node:path";

/**
 * An append-only file that stops growing at `maxBytes`: the write that would cross the cap is
 * replaced by one marker line, later writes are counted and dropped. A failing sink (disk full,
 * permissions) calls `onError` once and then drops writes; it never throws into the caller.
 */
export class CappedFile {
  readonly path: string;
  readonly #maxBytes: number;
  readonly #onError: (error: Error) => void;
  #stream: WriteStream | null = null;
  #bytes = 0;
  #capped = false;
  #failed = false;
  /** Writes dropped after the cap or a failure. */
  dropped = 0;

  constructor(path: string, maxBytes: number, onError: (error: Error) => void) {
    this.path = path;
    this.#maxBytes = maxBytes;
    this.#onError = onError;
  }

  /** Bytes written so far (including the cap marker). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Appends `text` (which should end with a newline) unless the cap was reached. */
  write(text: string): void {
    if (this.#failed || this.#capped) {
      this.dropped += 1;
      return;
    }
    const size = Buffer.byteLength(text);
    if (this.#bytes + size > this.#maxBytes) {
      this.#capped = true;
      this.dropped += 1;
      this.#append(`[log capped at ${this.#maxBytes} bytes; later output dropped]\n`);
      return;
    }
    this.#append(text);
  }

  /** Flushes and closes the file. */
  close(): Promise<void> {
    const stream = this.#stream;
    this.#stream = null;
    if (stream === null || stream.destroyed) return Promise.resolve();
    return new Promise((resolve) => stream.end(() => resolve()));
  }

  #append(text: string): void {
    try {
      if (this.#stream === null) {
        mkdirSync(dirname(this.path), { recursive: true });
        this.#stream = createWriteStream(this.path, { flags: "a" });
        this.#stream.on("error", (error) => this.#fail(error));
      }
      this.#bytes += Buffer.byteLength(text);
      this.#stream.write(text);
    } catch (error) {
      this.#fail(error instanceof Error ? error : new Error(String(error)));
    }
  }

  #fail(error: Error): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#stream?.destroy();
    this.#stream = null;
    this.#onError(error);
  }
}
