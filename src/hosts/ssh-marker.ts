import { Transform, type TransformCallback } from "node:stream";

/** Line the remote shell prints on stdout right before the command runs (after login-profile noise). */
export const STARTED_MARKER = "__SYMPHONY_SSH_STARTED__";

const MARKER_LINE = Buffer.from(`${STARTED_MARKER}\n`);
// noise beyond this without a marker means the remote side is not our wrapper: pass everything through
const MAX_NOISE_BYTES = 1024 * 1024;

/**
 * Passes a remote stdout through, dropping everything up to and including the start-marker line
 * (what a chatty `.bashrc`/profile printed), so the command's own output starts clean.
 * `started` is true once the marker was seen.
 */
export class StartMarkerFilter extends Transform {
  #pending: Buffer | null = Buffer.alloc(0);
  #started = false;

  /** True once the remote command has started (the marker was seen). */
  get started(): boolean {
    return this.#started;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    callback(null, this.#filter(chunk));
  }

  #filter(chunk: Buffer): Buffer | undefined {
    if (this.#pending === null) return chunk;
    const pending = Buffer.concat([this.#pending, chunk]);
    const at = findMarker(pending);
    if (at >= 0) {
      this.#started = true;
      this.#pending = null;
      const rest = pending.subarray(at + MARKER_LINE.length);
      return rest.length > 0 ? rest : undefined;
    }
    if (pending.length > MAX_NOISE_BYTES) {
      this.#pending = null;
      return pending;
    }
    this.#pending = pending;
    return undefined;
  }

  override _flush(callback: TransformCallback): void {
    const pending = this.#pending;
    this.#pending = null;
    callback(null, pending !== null && pending.length > 0 ? pending : undefined);
  }
}

function findMarker(buffer: Buffer): number {
  let from = 0;
  for (;;) {
    const at = buffer.indexOf(MARKER_LINE, from);
    if (at <= 0) return at;
    if (buffer[at - 1] === 0x0a) return at;
    from = at + 1;
  }
}
