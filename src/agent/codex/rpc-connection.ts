import type { Readable, Writable } from "node:stream";
import { messageOf } from "../../domain/errors.js";
import { err, ok, type Result } from "../../domain/result.js";
import type { Clock, TimerHandle } from "../../util/clock.js";
import { LineSplitter } from "../../util/line-splitter.js";
import { classify, type RequestId } from "./protocol.js";

/** Why a request got no usable result. */
export type RpcFailure =
  | { readonly kind: "timeout"; readonly method: string; readonly timeoutMs: number }
  | { readonly kind: "error"; readonly method: string; readonly code: number; readonly message: string }
  | { readonly kind: "closed"; readonly method: string };

/** What the connection tells its owner about inbound traffic. */
export interface RpcHandlers {
  onNotification(method: string, params: unknown): void;
  onRequest(id: RequestId, method: string, params: unknown): void;
  /** A line that is not a protocol message (bad JSON, not an object, over the size cap). */
  onMalformed(line: string, reason: string): void;
  /** stdout ended: no more messages will come. */
  onClosed(): void;
}

interface Pending {
  readonly method: string;
  readonly timer: TimerHandle;
  readonly resolve: (r: Result<unknown, RpcFailure>) => void;
}

/**
 * JSON-RPC over NDJSON on a child's stdio, codex dialect (no `jsonrpc` field). Correlates response ids,
 * bounds each response wait with a timer from the injected clock, and never lets a bad line escape as a throw.
 */
export class RpcConnection {
  readonly #input: Writable;
  readonly #handlers: RpcHandlers;
  readonly #clock: Clock;
  readonly #pending = new Map<RequestId, Pending>();
  #nextId = 1;
  #closed = false;

  constructor(
    streams: { readonly stdin: Writable; readonly stdout: Readable },
    options: { readonly maxLineBytes: number; readonly clock: Clock; readonly handlers: RpcHandlers },
  ) {
    this.#input = streams.stdin;
    this.#handlers = options.handlers;
    this.#clock = options.clock;
    const splitter = new LineSplitter(options.maxLineBytes);
    // a write after the child died must not crash the service
    this.#input.on("error", () => {});
    streams.stdout.on("data", (chunk: Buffer) => {
      for (const item of splitter.push(chunk)) {
        if (item.type === "overflow") {
          this.#handlers.onMalformed(
            item.head,
            `line of ${item.bytes} bytes exceeds ${options.maxLineBytes}`,
          );
        } else {
          this.#dispatch(item.text);
        }
      }
    });
    const finish = (): void => {
      for (const item of splitter.end()) {
        if (item.type === "line") this.#dispatch(item.text);
        else this.#handlers.onMalformed(item.head, `line of ${item.bytes} bytes exceeds the cap`);
      }
      this.#close();
    };
    streams.stdout.on("end", finish);
    streams.stdout.on("close", finish);
  }

  /** True once stdout has ended. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Sends a request and waits up to `timeoutMs` for its response. */
  request(method: string, params: unknown, timeoutMs: number): Promise<Result<unknown, RpcFailure>> {
    if (this.#closed) return Promise.resolve(err({ kind: "closed", method }));
    const id = this.#nextId++;
    return new Promise((resolve) => {
      const timer = this.#clock.setTimer(timeoutMs, () => {
        this.#pending.delete(id);
        resolve(err({ kind: "timeout", method, timeoutMs }));
      });
      this.#pending.set(id, { method, timer, resolve });
      this.#write({ id, method, params });
    });
  }

  /** Sends a notification. */
  notify(method: string, params?: unknown): void {
    this.#write(params === undefined ? { method } : { method, params });
  }

  /** Answers a server request with a result. */
  respond(id: RequestId, result: unknown): void {
    this.#write({ id, result });
  }

  /** Answers a server request with a JSON-RPC error. */
  respondError(id: RequestId, code: number, message: string): void {
    this.#write({ id, error: { code, message } });
  }

  /** Closes stdin (codex exits cleanly on EOF). */
  endInput(): void {
    if (!this.#input.writableEnded) this.#input.end();
  }

  #write(message: unknown): void {
    if (this.#input.writableEnded || this.#input.destroyed) return;
    this.#input.write(`${JSON.stringify(message)}\n`);
  }

  #dispatch(line: string): void {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (cause) {
      this.#handlers.onMalformed(line, `invalid JSON: ${messageOf(cause)}`);
      return;
    }
    const message = classify(value);
    if (message === null) {
      this.#handlers.onMalformed(line, "not a JSON-RPC message");
      return;
    }
    switch (message.kind) {
      case "response": {
        const pending = this.#pending.get(message.id);
        if (pending === undefined) return; // late reply to a request that already timed out
        this.#pending.delete(message.id);
        this.#clock.clearTimer(pending.timer);
        pending.resolve(
          message.error !== undefined
            ? err({ kind: "error", method: pending.method, ...message.error })
            : ok(message.result),
        );
        return;
      }
      case "request":
        this.#handlers.onRequest(message.id, message.method, message.params);
        return;
      case "notification":
        this.#handlers.onNotification(message.method, message.params);
        return;
      default: {
        const _exhaustive: never = message;
        throw new Error(`unhandled ${JSON.stringify(_exhaustive)}`);
      }
    }
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const [id, pending] of this.#pending) {
      this.#pending.delete(id);
      this.#clock.clearTimer(pending.timer);
      pending.resolve(err({ kind: "closed", method: pending.method }));
    }
    this.#handlers.onClosed();
  }
}
