import { mkdirSync } from "node:fs";
import { createStream } from "rotating-file-stream";
import { messageOf } from "../../domain/errors.js";

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
}

/** A size-rotated `symphony.log` under `dir`; a failure to create or write it disables the sink. */
export function rotatingFileSink(
  dir: string,
  options: FileSinkOptions,
  onFailure: SinkFailureHandler,
): LogSink {
  const name = "file";
  let failed = false;
  const fail = (cause: unknown): void => {
    if (failed) return;
    failed = true;
    onFailure(name, messageOf(cause));
  };
  try {
    mkdirSync(dir, { recursive: true });
  } catch (cause) {
    fail(cause);
    return { name, write: () => {}, close: async () => {} };
  }
  const stream = createStream(
    (index: number | Date | null) => (index ? `symphony.log.${String(index)}` : "symphony.log"),
    {
      path: dir,
      size: `${options.maxBytes ?? 10 * 1024 * 1024}B`,
      rotate: options.maxFiles ?? 5,
    },
  );
  stream.on("error", fail);
  stream.on("warning", (cause: unknown) => fail(cause));
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
    close() {
      return new Promise<void>((done) => {
        if (stream.destroyed || stream.writableFinished) return done();
        stream.end(() => done());
        // A failed stream may never finish; do not hang shutdown on it.
        stream.once("error", () => done());
      });
    },
  };
}
