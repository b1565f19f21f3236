import type { Clock, TimerHandle } from "../../src/util/clock.js";

interface Pending {
  readonly id: number;
  readonly due: number;
  readonly fn: () => void;
}

/** A clock tests drive by hand: `advance(ms)` fires due timers in order. No real sleeping. */
export class ManualClock implements Clock {
  #now: number;
  #nextId = 1;
  #timers = new Map<number, Pending>();

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const id = this.#nextId++;
    this.#timers.set(id, { id, due: this.#now + Math.max(0, ms), fn });
    return { id };
  }

  clearTimer(handle: TimerHandle): void {
    this.#timers.delete((handle as { id: number }).id);
  }

  /** Number of timers still pending. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Due time of the earliest pending timer, if any. */
  nextDue(): number | undefined {
    let best: number | undefined;
    for (const t of this.#timers.values()) if (best === undefined || t.due < best) best = t.due;
    return best;
  }

  /** Moves time forward, firing every timer that falls due (in due order, ties by creation). */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      let next: Pending | undefined;
      for (const t of this.#timers.values()) {
        if (
          t.due <= target &&
          (next === undefined || t.due < next.due || (t.due === next.due && t.id < next.id))
        ) {
          next = t;
        }
      }
      if (next === undefined) break;
      this.#timers.delete(next.id);
      this.#now = Math.max(this.#now, next.due);
      next.fn();
    }
    this.#now = target;
  }
}
