import type { AgentEvent } from "../../domain/agent-event.js";
import type { AgentError, AgentErrorCategory } from "../../domain/errors.js";
import { err, ok, type Result } from "../../domain/result.js";
import { turnStopEvent } from "../backend.js";

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
  readonly resolve: (end: TurnEnd) => void;
}

/**
 * The turn state machine. It waits for a specific message (`turn/completed` for this turn id), never a fixed
 * sequence: completion may arrive before the `turn/start` response, and `error` notifications with `willRetry`
 * do not end a turn. It keeps no timer: the runner's turn signal ends a turn that runs too long ({@link stop}).
 */
export class TurnTracker {
  #active: Active | null = null;
  /** Completions seen before their turn id was known (notification order varies). */
  readonly #early = new Map<string, CompletedTurn>();

  /** True while a turn is running. */
  get active(): boolean {
    return this.#active !== null;
  }

  /** Starts tracking turn number `turn`; resolves exactly once when it ends. */
  begin(turn: number): Promise<TurnEnd> {
    this.#early.clear();
    return new Promise((resolve) => {
      this.#active = { turn, turnId: null, resolve };
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

  /** Ends the turn because its signal aborted (turn timeout or cancellation); codex still runs it. */
  stop(error: AgentError): void {
    const a = this.#active;
    if (a === null) return;
    this.#finish(err(error), turnStopEvent(a.turn, error), true);
  }

  /** Cancels the running turn (session stop); returns its id so the caller can interrupt it. */
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
    a.resolve({ result, event, interruptNeeded, turnId: a.turnId });
  }
}
