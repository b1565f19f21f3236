import { formatCount, formatDuration, summariseAgentEvent } from "../../observability/format.js";
import type { EventRecord } from "./records.js";

/** How a run ended, from the `[run] ended …` line of its `.log`, when recorded. */
export interface RunOutcome {
  readonly outcome: string;
  readonly reason: string | null;
}

/** What a replay adds up along the way. */
export interface TimelineTotals {
  readonly events: number;
  readonly turns: number;
  readonly toolCalls: number;
  readonly failedToolCalls: number;
  /** Token growth summed over the run's sessions. */
  readonly totalTokens: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly startedAt: number | null;
  readonly lastAt: number | null;
}

function offset(ms: number): string {
  const total = Math.max(0, ms) / 1000;
  const minutes = Math.floor(total / 60);
  const seconds = (total - minutes * 60).toFixed(1).padStart(4, "0");
  return minutes > 0 ? `+${minutes}m${seconds}s` : `+${seconds}s`;
}

/** Turns event records into timeline lines, tracking turns, tool calls and token growth. */
export class Timeline {
  #events = 0;
  #turns = 0;
  #toolCalls = 0;
  #failedToolCalls = 0;
  #input = 0;
  #output = 0;
  #total = 0;
  // token_usage carries absolute totals per session; growth is measured against the session's last one
  #sessionBase = { input: 0, output: 0, total: 0 };
  #startedAt: number | null = null;
  #lastAt: number | null = null;

  /** One printable line for a record: offset from the run start, type, summary, token growth. */
  line(record: EventRecord): string {
    const { event } = record;
    this.#startedAt ??= record.receivedAt;
    this.#lastAt = record.receivedAt;
    this.#events += 1;
    let tokens = "";
    switch (event.type) {
      case "session_started":
        this.#sessionBase = { input: 0, output: 0, total: 0 };
        break;
      case "turn_completed":
      case "turn_failed":
      case "turn_cancelled":
        this.#turns += 1;
        break;
      case "tool_call":
        this.#toolCalls += 1;
        if (!event.ok) this.#failedToolCalls += 1;
        break;
      case "token_usage": {
        const grew = Math.max(0, event.totals.totalTokens - this.#sessionBase.total);
        this.#input += Math.max(0, event.totals.inputTokens - this.#sessionBase.input);
        this.#output += Math.max(0, event.totals.outputTokens - this.#sessionBase.output);
        this.#total += grew;
        this.#sessionBase = {
          input: event.totals.inputTokens,
          output: event.totals.outputTokens,
          total: event.totals.totalTokens,
        };
        tokens = `  [tokens ${formatCount(this.#total)} +${formatCount(grew)}]`;
        break;
      }
      default:
        break;
    }
    const at = offset(record.receivedAt - this.#startedAt);
    return `${at.padStart(10)}  ${event.type.padEnd(22)} ${summariseAgentEvent(event)}${tokens}`;
  }

  /** The running totals. */
  totals(): TimelineTotals {
    return {
      events: this.#events,
      turns: this.#turns,
      toolCalls: this.#toolCalls,
      failedToolCalls: this.#failedToolCalls,
      totalTokens: this.#total,
      inputTokens: this.#input,
      outputTokens: this.#output,
      startedAt: this.#startedAt,
      lastAt: this.#lastAt,
    };
  }

  /** The closing summary lines. */
  summary(outcome: RunOutcome | null, corrupt: number): string[] {
    const t = this.totals();
    const duration = t.startedAt === null || t.lastAt === null ? 0 : t.lastAt - t.startedAt;
    const lines = [
      `events ${formatCount(t.events)}, turns ${t.turns}, tool calls ${t.toolCalls}${t.failedToolCalls > 0 ? ` (${t.failedToolCalls} failed)` : ""}`,
      `tokens ${formatCount(t.totalTokens)} (in ${formatCount(t.inputTokens)}, out ${formatCount(t.outputTokens)}), duration ${formatDuration(duration)}`,
      `outcome ${outcome === null ? "not recorded" : `${outcome.outcome}${outcome.reason === null ? "" : ` (${outcome.reason})`}`}`,
    ];
    if (corrupt > 0) lines.push(`${corrupt} corrupt line${corrupt === 1 ? "" : "s"} skipped`);
    return lines;
  }
}
