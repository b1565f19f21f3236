import { createLogUpdate } from "log-update";
import type { ObserverEvent, OrchestratorSnapshot, StatusSource } from "../../domain/snapshot.js";
import { type Clock, systemClock, type TimerHandle } from "../../util/clock.js";
import { formatCount } from "../format.js";
import { render } from "./render.js";

/** The output a terminal dashboard writes to (`process.stdout` in the CLI). */
export interface TerminalStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
  on?(event: "resize", listener: () => void): unknown;
  off?(event: "resize", listener: () => void): unknown;
}

/** How the dashboard draws: redrawn in place, or one plain status line per change. */
export type TerminalMode = "tty" | "plain";

/** Options for {@link startTerminalDashboard}. */
export interface TerminalDashboardOptions {
  readonly source: StatusSource;
  readonly stream: TerminalStream;
  /** Defaults to {@link terminalMode} of the stream and `process.env`. */
  readonly mode?: TerminalMode;
  readonly clock?: Clock;
  /** Minimum time between two redraws (coalesces bursts). Default 250 ms. */
  readonly minIntervalMs?: number;
  /** Redraw at least this often so ages and countdowns move. Default 1,000 ms. */
  readonly tickMs?: number;
  readonly dashboardUrl?: string | null;
  /** ANSI colour in tty mode. Default true. */
  readonly color?: boolean;
}

/** A running terminal dashboard. */
export interface TerminalDashboard {
  /**
   * Shows service log text (whole lines) without breaking the frame: in tty mode the lines are
   * printed above the redrawn frame with the next redraw; in plain mode they are written through.
   */
  writeLog(text: string): void;
  /** Draws a final "offline" frame (tty mode), unsubscribes and cancels its timers. */
  stop(): void;
}

const CLEAR_SCREEN = "\u001b[2J\u001b[H";

/** `plain` on a non-TTY stream or `TERM=dumb`, `tty` otherwise. */
export function terminalMode(stream: TerminalStream, env: NodeJS.ProcessEnv): TerminalMode {
  return stream.isTTY === true && env.TERM !== "dumb" ? "tty" : "plain";
}

/** The one-line status a dumb terminal or a pipe gets instead of the redrawn frame. */
export function statusLine(snapshot: OrchestratorSnapshot): string {
  const t = snapshot.totals;
  return [
    "symphony status",
    `running=${snapshot.running.length}/${snapshot.limits.maxConcurrentAgents}`,
    `retrying=${snapshot.retrying.length}`,
    `blocked=${snapshot.blocked.length}`,
    `runs=${t.runsStarted}`,
    `tokens_in=${formatCount(t.inputTokens)}`,
    `tokens_out=${formatCount(t.outputTokens)}`,
  ].join(" ");
}

/**
 * Starts the terminal dashboard: redraws in place (log-update, synchronised output, no flicker) at most
 * once per `minIntervalMs`, once per `tickMs` while idle, and on resize; skips unchanged frames.
 * In plain mode it writes a status line only when the counts change.
 */
export function startTerminalDashboard(options: TerminalDashboardOptions): TerminalDashboard {
  const { source, stream } = options;
  const clock = options.clock ?? systemClock;
  const mode = options.mode ?? terminalMode(stream, process.env);
  const minInterval = options.minIntervalMs ?? 250;
  const tickMs = options.tickMs ?? 1000;
  const logUpdate =
    mode === "tty" ? createLogUpdate(stream as unknown as NodeJS.WriteStream, { showCursor: false }) : null;
  let lastFrame = "";
  let lastDrawAt = Number.NEGATIVE_INFINITY;
  let pending: TimerHandle | null = null;
  let tick: TimerHandle | null = null;
  let stopped = false;
  let pendingLog = "";

  const frameFor = (offline: boolean): string => {
    const width = stream.columns ?? 100;
    return render(source.snapshot(), width, {
      now: clock.now(),
      color: options.color ?? true,
      dashboardUrl: options.dashboardUrl ?? null,
      offline,
    });
  };

  const draw = (): void => {
    lastDrawAt = clock.now();
    if (logUpdate !== null) {
      if (pendingLog !== "") {
        // persist() erases the frame, prints the lines into the scrollback and starts a new frame
        logUpdate.persist(pendingLog.replace(/\n$/, ""));
        pendingLog = "";
        lastFrame = "";
      }
      const frame = frameFor(false);
      if (frame === lastFrame) return;
      lastFrame = frame;
      logUpdate(frame);
    } else {
      const line = statusLine(source.snapshot());
      if (line === lastFrame) return;
      lastFrame = line;
      stream.write(`${line}\n`);
    }
  };

  // Coalesce bursts: draw now if the last draw is old enough, else once when the interval ends.
  const schedule = (): void => {
    if (stopped || pending !== null) return;
    const wait = lastDrawAt + minInterval - clock.now();
    if (wait <= 0) {
      draw();
      return;
    }
    pending = clock.setTimer(wait, () => {
      pending = null;
      if (!stopped) draw();
    });
  };

  const onTick = (): void => {
    tick = null;
    if (stopped) return;
    schedule();
    tick = clock.setTimer(tickMs, onTick);
  };

  // The terminal re-wraps what is on screen when its width changes, so log-update's line count of
  // the previous frame is no longer true: clear the screen and start a fresh frame from the top.
  const onResize = (): void => {
    if (stopped || logUpdate === null) return;
    stream.write(CLEAR_SCREEN);
    logUpdate.done();
    lastFrame = "";
    schedule();
  };

  const unsubscribe = source.subscribe((event: ObserverEvent) => {
    if (event.type === "snapshot_changed") schedule();
  });
  if (logUpdate !== null) {
    stream.on?.("resize", onResize);
    tick = clock.setTimer(tickMs, onTick);
  }
  draw();

  return {
    writeLog(text: string): void {
      if (stopped || logUpdate === null) {
        stream.write(text);
        return;
      }
      // bounded: a flood of log lines between two redraws keeps only the newest 64 KiB
      pendingLog = (pendingLog + text).slice(-65_536);
      schedule();
    },
    stop(): void {
      if (stopped) return;
      stopped = true;
      unsubscribe();
      stream.off?.("resize", onResize);
      if (pending !== null) clock.clearTimer(pending);
      if (tick !== null) clock.clearTimer(tick);
      pending = null;
      tick = null;
      if (logUpdate !== null) {
        if (pendingLog !== "") logUpdate.persist(pendingLog.replace(/\n$/, ""));
        pendingLog = "";
        logUpdate(frameFor(true));
        logUpdate.done();
      }
    },
  };
}
