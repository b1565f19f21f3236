import { stat } from "node:fs/promises";
import { formatCount, isoSeconds } from "../../observability/format.js";
import type { CliIo } from "../io.js";
import { replayFile } from "./replay.js";
import { listRuns, readOutcome } from "./runs.js";

/** Parsed `symphony replay` flags. */
export interface ReplayFlags {
  readonly follow: boolean;
  readonly latest: boolean;
  readonly signal?: AbortSignal;
  readonly pollMs?: number;
}

/**
 * `symphony replay <file | dir>`: a file is replayed; a directory (`<logsRoot>/<identifier>`) lists its
 * runs newest first, or with `--latest` replays the newest.
 */
export async function replayCommand(target: string, flags: ReplayFlags, io: CliIo): Promise<number> {
  const info = await stat(target).catch(() => null);
  if (info === null) {
    io.stderr.write(`symphony replay: ${target} does not exist\n`);
    return 1;
  }
  const options = {
    follow: flags.follow,
    ...(flags.signal === undefined ? {} : { signal: flags.signal }),
    ...(flags.pollMs === undefined ? {} : { pollMs: flags.pollMs }),
  };
  if (info.isFile()) return replayFile(target, io, options);
  const runs = await listRuns(target);
  if (runs.length === 0) {
    io.stderr.write(`symphony replay: no *.events.jsonl runs in ${target}\n`);
    return 1;
  }
  const newest = runs[0];
  if (flags.latest && newest !== undefined) return replayFile(newest.events, io, options);
  io.stdout.write(`${"RUN".padEnd(40)} ${"LAST WRITTEN".padEnd(21)} ${"BYTES".padStart(12)}  OUTCOME\n`);
  for (const run of runs) {
    const outcome = await readOutcome(run.log);
    io.stdout.write(
      `${run.runId.padEnd(40)} ${(isoSeconds(run.modifiedAt) ?? "").padEnd(21)} ${formatCount(run.bytes).padStart(12)}  ${outcome === null ? "-" : outcome.outcome}\n`,
    );
  }
  io.stdout.write(
    `(${runs.length} run${runs.length === 1 ? "" : "s"}; replay one with its file path, or --latest)\n`,
  );
  return 0;
}
