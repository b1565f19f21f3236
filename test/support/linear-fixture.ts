import type { LogFields, Logger } from "../../src/domain/logger.js";
import { LinearTrackerAdapter } from "../../src/tracker/linear/adapter.js";
import type { LinearTrackerSettings } from "../../src/tracker/linear/config.js";
import type { FakeLinearServer } from "./fake-linear-server.js";
import { ManualClock } from "./manual-clock.js";

/** One captured log line. */
export interface LogLine {
  readonly level: string;
  readonly message: string;
  readonly fields: LogFields;
}

/** A logger that keeps every line for assertions. */
export function recordingLogger(lines: LogLine[] = [], base: LogFields = {}): Logger & { lines: LogLine[] } {
  const at =
    (level: string) =>
    (message: string, fields: LogFields = {}) =>
      lines.push({ level, message, fields: { ...base, ...fields } });
  return {
    lines,
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: (fields) => recordingLogger(lines, { ...base, ...fields }),
  };
}

/** Linear settings pointing at a fake server. */
export function settingsFor(
  server: FakeLinearServer,
  patch: Partial<LinearTrackerSettings> = {},
): LinearTrackerSettings {
  return {
    endpoint: server.url,
    apiKey: server.apiKey,
    secretEnvNames: ["LINEAR_API_KEY"],
    projectSlug: "proj-slug",
    assignee: null,
    timeoutMs: 30_000,
    pageSize: 50,
    ...patch,
  };
}

/** The default terminal states of a Linear workflow. */
export const TERMINAL_STATES = ["Closed", "Cancelled", "Canceled", "Duplicate", "Done"];

/** An adapter against a fake server, with a manual clock and a recording logger. */
export function adapterFor(
  server: FakeLinearServer,
  patch: Partial<LinearTrackerSettings> = {},
  maxPages?: number,
) {
  const clock = new ManualClock();
  const logger = recordingLogger();
  const adapter = new LinearTrackerAdapter({
    settings: settingsFor(server, patch),
    terminalStates: TERMINAL_STATES,
    clock,
    logger,
    ...(maxPages === undefined ? {} : { maxPages }),
  });
  return { adapter, clock, logger };
}

/** A signal nobody aborts. */
export const never = new AbortController().signal;
