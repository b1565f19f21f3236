import { mkdirSync } from "node:fs";
import { createStream, type RotatingFileStream } from "rotating-file-stream";
import { messageOf } from "../../domain/errors.js";
import { type Clock, systemClock } from "../../util/clock.js";

/** Somewhere log lines go. A sink reports its failure once through `onFailure` and then drops lines. */
export interface LogSink {
  readonly name: string;
  write(line: string): void;
  close(): Promise<void>;
}

/** Called once when a sink stops working. */
export type SinkFailureHandler = (sink: string, reason: string) => void;

/** A sink writing lines to a stream (stderr); stream errors (EPIPE, closed fd) disable it. */
export function streamSink(
  name: string,
  stream: NodeJS.WritableStream,
  onFailure: SinkFailureHandler,
): LogSink {
  let failed = false;
  const fail = (cause: unknown): void => {
    if (failed) return;
    failed = true;
    onFailure(name, messageOf(cause));
  };
  stream.on("error", fail);
  return {
    name,
    write(line) {
      if (failed) return;
      try {
        stream.write(`${line}\n`);
      } catch (cause) {
        fail(cause);
      }
    },
    async close() {
      stream.off("error", fail);
    },
  };
}

/** Size-rotation settings for the file sink. */
export interface FileSinkOptions {
  /** Rotate when the file exceeds this many bytes (default 10 MiB). */
  readonly maxBytes?: number;
  /** Rotated files kept: `symphony.log.1` … `symphony.log.N` (default 5). */
  readonly maxFiles?: number;
  /** After a failure, the next line at least this long after it reopens the file (default 30,000 ms). */
  readonly retryMs?: number;
}

/** Called when a failed sink works again. */
export type SinkRecoveryHandler = (sink: string) => void;

/**
 * A size-rotated `symphony.log` under `dir`. A failure to create or write it (a full disk, a removed
 * directory) disables the sink and is reported once; the first line logged `retryMs` later reopens
 * the file, and if that works the sink reports its recovery — no restart needed.
 */
export function rotatingFileSink(
  dir: string,
  options: FileSinkOptions,
  onFailure: SinkFailureHandler,
  onRecovery: SinkRecoveryHandler = () => {},
  clock: Clock = systemClock,
): LogSink {
  const name = "file";
  const retryMs = options.retryMs ?? 30_000;
  let stream: RotatingFileStream | null = null;
  let failedAt: number | null = null;
  let reported = false;

  const fail = (cause: unknown, from: RotatingFileStream | null): void => {
    if (from !== stream) return; // a late error from a stream already given up
    failedAt = clock.now();
    stream = null;
    from?.destroy();
    if (reported) return;
    reported = true;
    onFailure(name, messageOf(cause));
  };

  const open = (): boolean => {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (cause) {
      fail(cause, null);
      return false;
    }
    const opened = createStream(
      (index: number | Date | null) => (index ? `symphony.log.${String(index)}` : "symphony.log"),
      {
        path: dir,
        size: `${options.maxBytes ?? 10 * 1024 * 1024}B`,
        rotate: options.maxFiles ?? 5,
      },
    );
    opened.on("error", (cause: unknown) => fail(cause, opened));
    opened.on("warning", (cause: unknown) => fail(cause, opened));
    stream = opened;
    return true;
  };
  open();

  return {
    name,
    write(line) {
      if (stream === null) {
        if (failedAt === null || clock.now() - failedAt < retryMs) return;
        if (!open()) return;
        reported = false;
        onRecovery(name);
      }
      const current = stream;
      if (current === null) return;
      try {
        current.write(`${line}\n`);
      } catch (cause) {
        fail(cause, current);
      }
    },
    close() {
      const current = stream;
      return new Promise<void>((done) => {
        if (current === null || current.destroyed || current.writableFinished) return done();
        current.end(() => done());
        // A failed stream may never finish; do not hang shutdown on it.
        current.once("error", () => done());
      });
    },
  };
}
