import { setTimeout as sleep } from "node:timers/promises";
import { oneLine } from "../../observability/format.js";
import type { CliIo } from "../io.js";
import { LineReader } from "./line-reader.js";
import { parseEventLine } from "./records.js";
import { logPathFor, readOutcome } from "./runs.js";
import { Timeline } from "./timeline.js";

/** How to replay one events file. */
export interface ReplayFileOptions {
  /** Keep reading as the file grows, until the run's `.log` records its end or `signal` aborts. */
  readonly follow: boolean;
  readonly signal?: AbortSignal;
  /** Poll interval while following (default 250 ms). */
  readonly pollMs?: number;
}

/**
 * Prints the timeline of one `<runId>.events.jsonl`: a header, one line per event, corrupt lines
 * reported on stderr by number and skipped, and a closing summary. Returns the exit code (0; 1 if the
 * file cannot be read).
 */
export async function replayFile(path: string, io: CliIo, options: ReplayFileOptions): Promise<number> {
  const reader = new LineReader(path);
  const timeline = new Timeline();
  const logPath = logPathFor(path);
  let corrupt = 0;
  let header = false;
  const emit = (lines: ReadonlyArray<{ readonly line: number; readonly text: string }>) => {
    for (const { line, text } of lines) {
      const parsed = parseEventLine(text);
      if (parsed === null) continue;
      if ("corrupt" in parsed) {
        corrupt += 1;
        io.stderr.write(`${path}:${line}: skipped corrupt line (${parsed.corrupt})\n`);
        continue;
      }
      if (!header) {
        header = true;
        io.stdout.write(
          `run ${oneLine(parsed.runId)} issue ${oneLine(parsed.issueIdentifier)} started ${new Date(parsed.receivedAt).toISOString()}\n`,
        );
      }
      io.stdout.write(`${timeline.line(parsed)}\n`);
    }
  };
  try {
    emit(await reader.readAvailable());
    while (options.follow && options.signal?.aborted !== true) {
      // the .log's `ended` line is written after the last event: read once more after seeing it
      const ended = (await readOutcome(logPath)) !== null;
      emit(await reader.readAvailable());
      if (ended) break;
      await sleep(options.pollMs ?? 250, undefined, options.signal ? { signal: options.signal } : {}).catch(
        () => {},
      );
    }
    emit(reader.flush());
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    io.stderr.write(`symphony replay: cannot read ${path}${code === undefined ? "" : ` (${code})`}\n`);
    return 1;
  }
  if (!header) io.stdout.write(`${path}: no events recorded\n`);
  for (const line of timeline.summary(await readOutcome(logPath), corrupt)) io.stdout.write(`${line}\n`);
  return 0;
}
