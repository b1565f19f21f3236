import type { OrchestratorSnapshot } from "../../domain/snapshot.js";
import {
  cell,
  describeSkip,
  flattenRecord,
  formatCount,
  formatDuration,
  isoSeconds,
  oneLine,
  truncate,
} from "../format.js";

/** Rendering options for {@link render}; all optional. */
export interface RenderOptions {
  /** Epoch ms used for ages and countdowns; defaults to `snapshot.generatedAt`. */
  readonly now?: number;
  /** Wrap section headings in ANSI bold/colour. Default false (plain text). */
  readonly color?: boolean;
  /** Dashboard URL shown in the header when the HTTP server is on. */
  readonly dashboardUrl?: string | null;
  /** Rows shown per list section before "… and N more". Default 10. */
  readonly maxRowsPerSection?: number;
  /** Marks the frame as the final one after shutdown. */
  readonly offline?: boolean;
}

const MIN_WIDTH = 40;

/**
 * The terminal dashboard frame for one snapshot: a pure function of its inputs.
 * Every line is at most `width` characters (not counting ANSI styling); strings from trackers and
 * agents are reduced to one printable line so they cannot inject escape sequences.
 */
export function render(snapshot: OrchestratorSnapshot, width: number, options: RenderOptions = {}): string {
  const w = Math.max(MIN_WIDTH, Math.floor(width));
  const now = options.now ?? snapshot.generatedAt;
  const maxRows = options.maxRowsPerSection ?? 10;
  const style = styler(options.color === true);
  const lines: string[] = [];
  const push = (text: string, decorate?: (s: string) => string): void => {
    const cut = truncate(text, w);
    lines.push(decorate === undefined ? cut : decorate(cut));
  };

  const status = options.offline === true ? "offline" : "live";
  push(
    `SYMPHONY STATUS  ${status}  ${isoSeconds(now) ?? ""}`,
    options.offline === true ? style.red : style.bold,
  );
  const t = snapshot.totals;
  push(
    `Agents: ${snapshot.running.length}/${snapshot.limits.maxConcurrentAgents}   Retrying: ${snapshot.retrying.length}   Blocked: ${snapshot.blocked.length}   Backend: ${oneLine(snapshot.workflow.backend)}   Tracker: ${oneLine(snapshot.workflow.trackerKind)}`,
  );
  push(
    `Tokens: in ${formatCount(t.inputTokens)} | out ${formatCount(t.outputTokens)} | total ${formatCount(t.totalTokens)}   Runtime: ${formatDuration(t.secondsRunning * 1000)}   Runs: ${t.runsStarted} started, ${t.runsSucceeded} ok, ${t.runsFailed} failed`,
  );
  push(`Rate limits: ${describeLimits(snapshot.rateLimits)}`);
  if (snapshot.trackerRateLimits !== null)
    push(`Tracker limits: ${describeLimits(snapshot.trackerRateLimits)}`);
  if (options.dashboardUrl !== undefined && options.dashboardUrl !== null) {
    push(`Dashboard: ${options.dashboardUrl}`);
  }
  push(`Next poll: ${describePoll(snapshot, now)}`);
  if (snapshot.workflow.lastError !== null) push(`Error: ${oneLine(snapshot.workflow.lastError)}`, style.red);

  // Running: ID, STATE, TURN, AGE, TOKENS, then EVENT takes what is left of the width.
  lines.push("");
  push(`RUNNING (${snapshot.running.length})`, style.heading);
  if (snapshot.running.length === 0) push("  no agents running", style.dim);
  else {
    const fixed = [12, 14, 5, 9, 10];
    const eventWidth = Math.max(10, w - fixed.reduce((a, b) => a + b + 1, 0));
    push(
      [
        cell("ID", 12),
        cell("STATE", 14),
        cell("TURN", 5, "right"),
        cell("AGE", 9, "right"),
        cell("TOKENS", 10, "right"),
        "EVENT",
      ].join(" "),
      style.dim,
    );
    for (const row of snapshot.running.slice(0, maxRows)) {
      const event = row.lastEvent === null ? "-" : oneLine(row.lastMessage ?? "") || row.lastEvent;
      push(
        [
          cell(oneLine(row.identifier), 12),
          cell(oneLine(row.state), 14),
          cell(String(row.turnCount), 5, "right"),
          cell(formatDuration(now - row.startedAt), 9, "right"),
          cell(formatCount(row.tokens.totalTokens), 10, "right"),
          cell(event, eventWidth),
        ]
          .join(" ")
          .trimEnd(),
      );
    }
    more(snapshot.running.length, maxRows, push);
  }

  if (snapshot.retrying.length > 0) {
    lines.push("");
    push(`RETRY QUEUE (${snapshot.retrying.length})`, style.heading);
    push(
      [cell("ID", 12), cell("ATTEMPT", 7, "right"), cell("DUE", 9, "right"), cell("KIND", 12), "ERROR"].join(
        " ",
      ),
      style.dim,
    );
    const sorted = [...snapshot.retrying].sort((a, b) => a.dueAt - b.dueAt);
    for (const row of sorted.slice(0, maxRows)) {
      const due = row.dueAt <= now ? "now" : `in ${formatDuration(row.dueAt - now)}`;
      push(
        [
          cell(oneLine(row.identifier), 12),
          cell(String(row.attempt), 7, "right"),
          cell(due, 9, "right"),
          cell(row.kind, 12),
          row.error === null ? "-" : oneLine(row.error),
        ].join(" "),
      );
    }
    more(sorted.length, maxRows, push);
  }

  if (snapshot.blocked.length > 0) {
    lines.push("");
    push(`BLOCKED — waiting for a person (${snapshot.blocked.length})`, style.warn);
    push([cell("ID", 12), cell("STATE", 14), cell("SINCE", 9, "right"), "QUESTION"].join(" "), style.dim);
    for (const row of snapshot.blocked.slice(0, maxRows)) {
      push(
        [
          cell(oneLine(row.identifier), 12),
          cell(oneLine(row.state), 14),
          cell(formatDuration(now - row.blockedAt), 9, "right"),
          `${row.kind.replace("_", " ")}: ${oneLine(row.question)}`,
        ].join(" "),
      );
    }
    more(snapshot.blocked.length, maxRows, push);
  }

  // candidates skipped because they are already running are in the RUNNING table
  const skipped = snapshot.skipped.filter((row) => row.reason.kind !== "running");
  if (skipped.length > 0) {
    lines.push("");
    push(`NOT DISPATCHED (${skipped.length})`, style.heading);
    for (const row of skipped.slice(0, maxRows)) {
      push(
        `${cell(oneLine(row.identifier), 12)} ${cell(oneLine(row.state), 14)} ${describeSkip(row.reason, now)}`,
      );
    }
    more(skipped.length, maxRows, push);
  }
  return lines.join("\n");
}

function describeLimits(limits: Readonly<Record<string, unknown>> | null): string {
  if (limits === null) return "n/a";
  const pairs = flattenRecord(limits);
  return pairs.length === 0 ? "n/a" : pairs.join(" ");
}

function describePoll(snapshot: OrchestratorSnapshot, now: number): string {
  if (snapshot.polling.checking) return "checking now…";
  if (snapshot.polling.nextTickAt === null) return "not scheduled";
  const ms = snapshot.polling.nextTickAt - now;
  return ms <= 0 ? "due now" : `in ${formatDuration(ms)}`;
}

function more(total: number, shown: number, push: (text: string) => void): void {
  if (total > shown) push(`  … and ${total - shown} more`);
}

interface Styler {
  bold(s: string): string;
  dim(s: string): string;
  heading(s: string): string;
  warn(s: string): string;
  red(s: string): string;
}

function styler(color: boolean): Styler {
  const wrap =
    (open: string) =>
    (s: string): string =>
      color ? `\u001b[${open}m${s}\u001b[0m` : s;
  return { bold: wrap("1"), dim: wrap("2"), heading: wrap("1;36"), warn: wrap("1;33"), red: wrap("1;31") };
}
