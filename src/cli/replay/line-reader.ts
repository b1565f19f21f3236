import { open } from "node:fs/promises";

const CHUNK = 64 * 1024;

/**
 * Reads a growing file line by line from where it last stopped: `readAvailable()` returns the
 * complete lines appended since the previous call (numbered from 1) and keeps a partial last line
 * for later; `flush()` hands out that remainder once the file is known to be complete.
 */
export class LineReader {
  readonly path: string;
  #offset = 0;
  #lineNo = 0;
  #rest: Buffer = Buffer.alloc(0);

  constructor(path: string) {
    this.path = path;
  }

  /** Complete lines appended since the last call. */
  async readAvailable(): Promise<Array<{ readonly line: number; readonly text: string }>> {
    const handle = await open(this.path, "r");
    const parts: Buffer[] = [];
    try {
      for (;;) {
        const buffer = Buffer.alloc(CHUNK);
        const { bytesRead } = await handle.read(buffer, 0, CHUNK, this.#offset);
        if (bytesRead === 0) break;
        this.#offset += bytesRead;
        parts.push(buffer.subarray(0, bytesRead));
      }
    } finally {
      await handle.close();
    }
    // cut at the last newline byte: a partial line (even a partial UTF-8 character) waits for more bytes
    const bytes = Buffer.concat([this.#rest, ...parts]);
    const end = bytes.lastIndexOf(0x0a);
    if (end === -1) {
      this.#rest = bytes;
      return [];
    }
    this.#rest = bytes.subarray(end + 1);
    return bytes
      .subarray(0, end)
      .toString("utf8")
      .split("\n")
      .map((t) => ({ line: ++this.#lineNo, text: t }));
  }

  /** The trailing line without a newline, if any. */
  flush(): Array<{ readonly line: number; readonly text: string }> {
    if (this.#rest.length === 0) return [];
    const text = this.#rest.toString("utf8");
    this.#rest = Buffer.alloc(0);
    return [{ line: ++this.#lineNo, text }];
  }
}
