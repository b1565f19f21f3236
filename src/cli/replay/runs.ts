import { open, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { RunOutcome } from "./timeline.js";

const EVENTS_SUFFIX = ".events.jsonl";
const TAIL_BYTES = 64 * 1024;

/** One recorded run in an issue's log directory. */
export interface RunEntry {
  readonly runId: string;
  readonly events: string;
  /** The sibling `<runId>.log` (may be missing). */
  readonly log: string;
  readonly modifiedAt: number;
  readonly bytes: number;
}

/** The runs of `<logsRoot>/<identifier>/`, newest (last written) first. */
export async function listRuns(dir: string): Promise<RunEntry[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith(EVENTS_SUFFIX));
  const entries = await Promise.all(
    names.map(async (name) => {
      const events = join(dir, name);
      const info = await stat(events);
      const runId = name.slice(0, -EVENTS_SUFFIX.length);
      return { runId, events, log: join(dir, `${runId}.log`), modifiedAt: info.mtimeMs, bytes: info.size };
    }),
  );
  return entries.sort((a, b) => b.modifiedAt - a.modifiedAt || b.runId.localeCompare(a.runId));
}

/** `<dir>/<runId>.events.jsonl` → `<dir>/<runId>.log`. */
export function logPathFor(eventsPath: string): string {
  return eventsPath.endsWith(EVENTS_SUFFIX)
    ? `${eventsPath.slice(0, -EVENTS_SUFFIX.length)}.log`
    : `${eventsPath}.log`;
}

/** The outcome from the last `[run] ended outcome=… reason=…` line of a run's `.log`, or null. */
export async function readOutcome(logPath: string): Promise<RunOutcome | null> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(logPath, "r");
  } catch {
    return null;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    let found: RunOutcome | null = null;
    for (const line of buffer.toString("utf8").split("\n")) {
      const m = / \[run\] ended outcome=(\S+)(?: reason=(.*))?$/.exec(line);
      if (m?.[1] !== undefined) found = { outcome: m[1], reason: m[2] ?? null };
    }
    return found;
  } finally {
    await handle.close();
  }
}
