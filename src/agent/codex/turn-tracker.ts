import type { AgentEvent } from "../../domain/agent-event.js";
import type { AgentError, AgentErrorCategory } from "../../domain/errors.js";
import { err, ok, type Result } from "../../domain/result.js";
import type { Clock, TimerHandle } from "../../util/clock.js";

/** The event that closes a turn. */
export type TurnEndEvent =
  | { readonly type: "turn_completed"; readonly turn: number; readonly message: string }
  | { readonly type: "turn_failed"; readonly turn: number; readonly reason: string; readonly message: string }
  | { readonly type: "turn_cancelled"; readonly turn: number; readonly message: string };

/** How a turn ended, and whether codex still has it running (so it must be interrupted). */
export interface TurnEnd {
  readonly result: Result<void, AgentError>;
  readonly event: TurnEndEvent & Partial<Pick<AgentEvent, "at">>;
  readonly interruptNeeded: boolean;
  readonly turnId: string | null;
}

/** What `turn/completed` said. */
export type CompletedTurn =
  | { readonly status: "completed" | "interrupted"; readonly message: string }
  | { readonly status: "failed"; readonly category: AgentErrorCategory; readonly message: string };

interface Active {
  readonly turn: number;
  turnId: string | null;
  timer: TimerHandle | null;
  /** Clock time of the last line codex wrote; the timer re-arms from it instead of resetting per line. */
  lastActivity: number;
  readonly resolve: (end: TurnEnd) => void;
}

/**
 * The turn state machine. It waits for a specific message (`turn/completed` for this turn id), never a fixed
 * sequence: completion may arrive before the `turn/start` response, `error` notifications with `willRetry`
 * do not end a turn, and the silence timer (`turn_timeout_ms`) restarts on every line codex writes.
 */
export class TurnTracker {
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  #active: Active | null = null;
  /** Completions seen before their turn id was known (notification order varies). */
  readonly #early = new Map<string, CompletedTurn>();

  constructor(clock: Clock, turnTimeoutMs: number) {
    this.#clock = clock;
    this.#timeoutMs = turnTimeoutMs;
  }

  /** True while a turn is running. */
  get active(): boolean {
    return this.#active !== null;
  }

  /** Starts tracking turn number `turn`; resolves exactly once when it ends. */
  begin(turn: number): Promise<TurnEnd> {
    this.#early.clear();
    return new Promise((resolve) => {
      this.#active = { turn, turnId: null, timer: null, lastActivity: this.#clock.now(), resolve };
      this.#arm(this.#timeoutMs);
    });
  }

  /** Records the id from the `turn/start` response (applies a completion that came first). */
  setTurnId(turnId: string): void {
    const a = this.#active;
    if (a === null) return;
    a.turnId = turnId;
    const early = this.#early.get(turnId);
    if (early !== undefined) this.complete(turnId, early);
  }

  /** Restarts the silence window (called for every stdout line; cheap: it only records the time). */
  touch(): void {
    if (this.#active !== null) this.#active.lastActivity = this.#clock.now();
  }

  #arm(ms: number): void {
    const a = this.#active;
    if (a === null) return;
    a.timer = this.#clock.setTimer(ms, () => {
      a.timer = null;
      if (this.#active !== a) return;
      const silent = this.#clock.now() - a.lastActivity;
      if (silent < this.#timeoutMs) {
        this.#arm(this.#timeoutMs - silent);
        return;
      }
      const message = `no codex activity for ${this.#timeoutMs}ms`;
      this.#finish(
        err({ category: "turn_timeout", message }),
        { type: "turn_failed", turn: a.turn, reason: "turn_timeout", message },
        true,
      );
    });
  }

  /** Applies `turn/completed`. A completion for another (or a not-yet-known) turn id is kept or dropped. */
  complete(turnId: string | null, outcome: CompletedTurn): void {
    const a = this.#active;
    if (a === null) return;
    if (turnId !== null && a.turnId !== turnId) {
      if (a.turnId === null) this.#early.set(turnId, outcome);
      return;
    }
    switch (outcome.status) {
      case "completed":
        this.#finish(
          ok(undefined),
          { type: "turn_completed", turn: a.turn, message: outcome.message },
          false,
        );
        return;
      case "interrupted":
        this.#finish(
          err({ category: "turn_cancelled", message: "turn interrupted" }),
          { type: "turn_cancelled", turn: a.turn, message: "turn interrupted" },
          false,
        );
        return;
      case "failed":
        this.#finish(
          err({ category: outcome.category, message: outcome.message }),
          { type: "turn_failed", turn: a.turn, reason: outcome.category, message: outcome.message },
          false,
        );
        return;
      default: {
        const _exhaustive: never = outcome;
        throw new Error(`unhandled ${JSON.stringify(_exhaustive)}`);
      }
    }
  }

  /** Ends the turn as blocked on a person; codex still runs it, so it must be interrupted. */
  block(kind: "user_input" | "approval" | "elicitation", question: string): void {
    const a = this.#active;
    if (a === null) return;
    const category = kind === "approval" ? "approval_required" : "input_required";
    this.#finish(
      err({
        category,
        message: `codex turn requires ${kind === "approval" ? "approval" : "operator input"}`,
        question,
      }),
      { type: "turn_failed", turn: a.turn, reason: category, message: question },
      true,
    );
  }

  /** Ends the turn with a failure that codex did not report (process exit, protocol error). */
  fail(error: AgentError): void {
    const a = this.#active;
    if (a === null) return;
    this.#finish(
      err(error),
      { type: "turn_failed", turn: a.turn, reason: error.category, message: error.message },
      error.category !== "process_exit",
    );
  }

  /** Cancels the running turn (stop/abort); returns its id so the caller can interrupt it. */
  cancel(message: string): string | null {
    const a = this.#active;
    if (a === null) return null;
    this.#finish(
      err({ category: "turn_cancelled", message }),
      { type: "turn_cancelled", turn: a.turn, message },
      false,
    );
    return a.turnId;
  }

  #finish(result: Result<void, AgentError>, event: TurnEndEvent, interruptNeeded: boolean): void {
    const a = this.#active;
    if (a === null) return;
    this.#active = null;
    if (a.timer !== null) this.#clock.clearTimer(a.timer);
    a.resolve({ result, event, interruptNeeded, turnId: a.turnId });
  }
}
