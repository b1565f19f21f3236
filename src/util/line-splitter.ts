/** One framed item from the byte stream: a complete line, or a line that exceeded the cap. */
export type FramedLine =
  | { readonly type: "line"; readonly text: string }
  | { readonly type: "overflow"; readonly head: string; readonly bytes: number };

const NEWLINE = 0x0a;
const HEAD_BYTES = 200;

/**
 * Splits a byte stream into `\n`-terminated lines, holding at most `maxLineBytes` of a pending line.
 * A longer line is discarded as it streams in (memory stays bounded) and reported once as `overflow`.
 */
export class LineSplitter {
  readonly #max: number;
  #parts: Buffer[] = [];
  #size = 0;
  /** Set while discarding the rest of an over-long line. */
  #overflow: { head: string; bytes: number } | null = null;

  constructor(maxLineBytes: number) {
    this.#max = maxLineBytes;
  }

  /** Feeds a chunk; returns the lines it completed. */
  push(chunk: Buffer): FramedLine[] {
    const out: FramedLine[] = [];
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl !== -1 && this.#size === 0 && this.#overflow === null && nl - start <= this.#max) {
        // fast path: the whole line is inside this chunk
        out.push({ type: "line", text: trimCr(chunk.toString("utf8", start, nl)) });
        start = nl + 1;
        continue;
      }
      const end = nl === -1 ? chunk.length : nl;
      this.#append(chunk.subarray(start, end));
      if (nl === -1) break;
      out.push(this.#take());
      start = nl + 1;
    }
    return out;
  }

  /** Flushes a final unterminated line at end of stream. */
  end(): FramedLine[] {
    return this.#size > 0 || this.#overflow !== null ? [this.#take()] : [];
  }

  #append(piece: Buffer): void {
    if (piece.length === 0) return;
    if (this.#overflow !== null) {
      this.#overflow.bytes += piece.length;
      return;
    }
    if (this.#size + piece.length > this.#max) {
      const held = Buffer.concat([...this.#parts, piece.subarray(0, HEAD_BYTES)]);
      this.#overflow = {
        head: held.subarray(0, HEAD_BYTES).toString("utf8"),
        bytes: this.#size + piece.length,
      };
      this.#parts = [];
      this.#size = 0;
      return;
    }
    this.#parts.push(piece);
    this.#size += piece.length;
  }

  #take(): FramedLine {
    if (this.#overflow !== null) {
      const { head, bytes } = this.#overflow;
      this.#overflow = null;
      return { type: "overflow", head, bytes };
    }
    const text = Buffer.concat(this.#parts, this.#size).toString("utf8");
    this.#parts = [];
    this.#size = 0;
    return { type: "line", text: trimCr(text) };
  }
}

function trimCr(text: string): string {
  return text.endsWith("\r") ? text.slice(0, -1) : text;
}
