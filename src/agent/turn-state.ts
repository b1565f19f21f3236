import type { AgentError } from "../domain/errors.js";
import { err, ok, type Result } from "../domain/result.js";
import { turnStopEvent } from "./backend.js";

/** The event that closes a turn. */
export type TurnEndEvent =
  | { readonly type: "turn_completed"; readonly turn: number; readonly message: string }
  | { readonly type: "turn_failed"; readonly turn: number; readonly reason: string; readonly message: string }
  | { readonly type: "turn_cancelled"; readonly turn: number; readonly message: string };

/** How a turn ended, and whether the agent may still be running it (so it must be interrupted). */
export interface TurnEnd {
  readonly result: Result<void, AgentError>;
  readonly event: TurnEndEvent;
  readonly interruptNeeded: boolean;
}

/**
 * One running turn of an agent that reports its own turn end (Claude Code's `result` line, an ACP
 * `session/prompt` response). It ends exactly once: when the agent says so (completed, failed, or blocked
 * when a permission request was refused before), at process exit, or when its signal stops it. It keeps
 * no timer.
 */
export class TurnState {
  readonly number: number;
  readonly ended: Promise<TurnEnd>;
  /** Whether `session_started` was emitted for this turn. */
  announced = false;
  /** The last assistant text seen, for the completion message. */
  lastText = "";
  #resolve!: (end: TurnEnd) => void;
  #done = false;
  #blocked: { readonly kind: "approval" | "user_input"; readonly question: string } | null = null;

  constructor(number: number) {
    this.number = number;
    this.ended = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  /** Records that a person is needed; the turn ends when the agent closes it (or at its signal). */
  block(kind: "approval" | "user_input", question: string): void {
    this.#blocked ??= { kind, question };
  }

  /** Ends the turn as blocked when a block was recorded; true when it did. */
  finishBlocked(interruptNeeded = false): boolean {
    const b = this.#blocked;
    if (b === null) return false;
    const category = b.kind === "approval" ? "approval_required" : "input_required";
    this.#finish(
      err({
        category,
        message: `the turn requires ${b.kind === "approval" ? "approval" : "operator input"}`,
        question: b.question,
      }),
      { type: "turn_failed", turn: this.number, reason: category, message: b.question },
      interruptNeeded,
    );
    return true;
  }

  /** The agent closed the turn successfully. */
  complete(message: string): void {
    this.#finish(ok(undefined), { type: "turn_completed", turn: this.number, message }, false);
  }

  /** The turn failed (model error, max turns, process exit). */
  fail(error: AgentError, interruptNeeded = false): void {
    if (this.finishBlocked(interruptNeeded)) return;
    this.#finish(
      err(error),
      { type: "turn_failed", turn: this.number, reason: error.category, message: error.message },
      interruptNeeded,
    );
  }

  /** The turn's signal aborted (timeout or cancellation): the agent still runs it. */
  stop(error: AgentError): void {
    if (this.finishBlocked(true)) return;
    this.#finish(err(error), turnStopEvent(this.number, error), true);
  }

  /** The session is stopping: the process is about to be killed, no interrupt needed. */
  cancel(message: string): void {
    this.#finish(
      err({ category: "turn_cancelled", message }),
      { type: "turn_cancelled", turn: this.number, message },
      false,
    );
  }

  #finish(result: Result<void, AgentError>, event: TurnEndEvent, interruptNeeded: boolean): void {
    if (this.#done) return;
    this.#done = true;
    this.#resolve({ result, event, interruptNeeded });
  }
}
