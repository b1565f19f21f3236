import { gzipSync } from "node:zlib";
import type { StatusSource } from "../../domain/snapshot.js";
import { type Clock, systemClock } from "../../util/clock.js";
import { stateJson } from "./api-shapes.js";

/**
 * The serialised `/api/v1/state` body, shared by every request and every SSE client. It is rebuilt
 * only after a `snapshot_changed` event or when older than `maxAgeMs` (live runtimes and
 * countdowns move with time), so a burst of concurrent requests costs one snapshot + one stringify.
 */
export class StateCache {
  readonly #source: StatusSource;
  readonly #clock: Clock;
  readonly #maxAgeMs: number;
  readonly #unsubscribe: () => void;
  #body: string | null = null;
  #gzipped: Uint8Array<ArrayBuffer> | null = null;
  #bytes: Uint8Array<ArrayBuffer> | null = null;
  #builtAt = 0;

  constructor(source: StatusSource, options: { readonly clock?: Clock; readonly maxAgeMs?: number } = {}) {
    this.#source = source;
    this.#clock = options.clock ?? systemClock;
    this.#maxAgeMs = options.maxAgeMs ?? 1000;
    this.#unsubscribe = source.subscribe((event) => {
      if (event.type === "snapshot_changed") {
        this.#body = null;
        this.#gzipped = null;
        this.#bytes = null;
      }
    });
  }

  /** The current state as JSON text. */
  body(): string {
    const now = this.#clock.now();
    if (this.#body === null || now - this.#builtAt >= this.#maxAgeMs) {
      this.#body = JSON.stringify(stateJson(this.#source.snapshot()));
      this.#gzipped = null;
      this.#bytes = null;
      this.#builtAt = now;
    }
    return this.#body;
  }

  /** The body as UTF-8 bytes, encoded at most once per build (a 300 KB encode per request adds up). */
  bodyBytes(): Uint8Array<ArrayBuffer> {
    const body = this.body();
    this.#bytes ??= new Uint8Array(Buffer.from(body, "utf8"));
    return this.#bytes;
  }

  /** The same body gzip-compressed, compressed at most once per build. */
  gzipBody(): Uint8Array<ArrayBuffer> {
    const body = this.body();
    this.#gzipped ??= new Uint8Array(gzipSync(body, { level: 6 }));
    return this.#gzipped;
  }

  /** Stops listening to the source. */
  close(): void {
    this.#unsubscribe();
    this.#body = null;
    this.#gzipped = null;
    this.#bytes = null;
  }
}
