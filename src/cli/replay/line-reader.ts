import { open } from "node:fs/promises";
import { type FramedLine, LineSplitter } from "../../util/line-splitter.js";

const CHUNK = 64 * 1024;
/** A line longer than this is not held: it comes out as its first bytes, marked, and reads as corrupt. */
const MAX_LINE_BYTES = 8 * 1024 * 1024;

/**
 * Reads a growing file line by line from where it last stopped: `readAvailable()` returns the
 * complete lines appended since the previous call (numbered from 1) and keeps a partial last line
 * for later; `flush()` hands out that remainder once the file is known to be complete. Memory per
 * line is bounded (an endless line is dropped as it streams in).
 */
export class LineReader {
  readonly path: string;
  #offset = 0;
  #lineNo = 0;
  readonly #splitter = new LineSplitter(MAX_LINE_BYTES);

  constructor(path: string) {
    this.path = path;
  }

  /** Complete lines appended since the last call. */
  async readAvailable(): Promise<Array<{ readonly line: number; readonly text: string }>> {
    const handle = await open(this.path, "r");
    const lines: Array<{ readonly line: number; readonly text: string }> = [];
    try {
      for (;;) {
        const buffer = Buffer.alloc(CHUNK);
        const { bytesRead } = await handle.read(buffer, 0, CHUNK, this.#offset);
        if (bytesRead === 0) break;
        this.#offset += bytesRead;
        // a partial line (even a partial UTF-8 character) waits in the splitter for more bytes
        for (const item of this.#splitter.push(buffer.subarray(0, bytesRead))) lines.push(this.#number(item));
      }
    } finally {
      await handle.close();
    }
    return lines;
  }

  /** The trailing line without a newline, if any. */
  flush(): Array<{ readonly line: number; readonly text: string }> {
    return this.#splitter.end().map((item) => this.#number(item));
  }

  #number(item: FramedLine): { readonly line: number; readonly text: string } {
    const text = item.type === "line" ? item.text : `${item.head}… (line of ${item.bytes} bytes not read)`;
    return { line: ++this.#lineNo, text };
  }
}
