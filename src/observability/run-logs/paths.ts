import { createHash } from "node:crypto";
import { join } from "node:path";
import type { RunLogFiles } from "../http/api-shapes.js";

const MAX_SEGMENT = 100;

/**
 * A file-name-safe form of an identifier or run id: characters outside `[A-Za-z0-9._-]` become `_`;
 * when anything changed (or the name is `.`/`..`/empty/too long) a hash of the original is appended,
 * so two different identifiers never share a directory and nothing escapes the logs root.
 */
export function safeSegment(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]/g, "_");
  const suspicious =
    cleaned !== name || cleaned === "" || /^\.+$/.test(cleaned) || cleaned.length > MAX_SEGMENT;
  if (!suspicious) return cleaned;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 16);
  return `${cleaned.slice(0, MAX_SEGMENT).replace(/^\.+/, "_")}--${hash}`;
}

/** `<logsRoot>/<identifier>/<runId>.log` and `<runId>.events.jsonl` (both segments made safe). */
export function runLogFiles(logsRoot: string, identifier: string, runId: string): RunLogFiles {
  const dir = join(logsRoot, safeSegment(identifier));
  const base = safeSegment(runId);
  return { runId, log: join(dir, `${base}.log`), events: join(dir, `${base}.events.jsonl`) };
}

/** Log file paths of runs under one logs root (what recorded attempts point at). */
export function runLogFilesIn(logsRoot: string): (identifier: string, runId: string) => RunLogFiles {
  return (identifier, runId) => runLogFiles(logsRoot, identifier, runId);
}
