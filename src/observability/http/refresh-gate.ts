import type { StatusSource } from "../../domain/snapshot.js";
import type { Clock, TimerHandle } from "../../util/clock.js";

/** What one `POST /api/v1/refresh` did. */
export interface RefreshOutcome {
  /** True when this request joined a refresh already queued, running or scheduled. */
  readonly coalesced: boolean;
  /** True when the service is stopping and no refresh will run. */
  readonly stopping?: boolean;
}

/**
 * Limits `POST /api/v1/refresh` to one orchestrator refresh per `minIntervalMs`. A request inside
 * the interval is not lost: it schedules one trailing refresh at the end of the interval, and every
 * further request until then joins it. A flood of posts therefore costs at most two tracker polls
 * per interval.
 */
export class RefreshGate {
  readonly #source: StatusSource;
  readonly #clock: Clock;
  readonly #minIntervalMs: number;
  #lastAt = Number.NEGATIVE_INFINITY;
  #trailing: TimerHandle | null = null;

  constructor(source: StatusSource, clock: Clock, minIntervalMs: number) {
    this.#source = source;
    this.#clock = clock;
    this.#minIntervalMs = minIntervalMs;
  }

  /** Asks for a refresh now, or joins/schedules the trailing one. */
  request(): RefreshOutcome {
    if (this.#trailing !== null) return { coalesced: true };
    const now = this.#clock.now();
    const wait = this.#lastAt + this.#minIntervalMs - now;
    if (wait <= 0) {
      this.#lastAt = now;
      return this.#source.requestRefresh();
    }
    this.#trailing = this.#clock.setTimer(wait, () => {
      this.#trailing = null;
      this.#lastAt = this.#clock.now();
      this.#source.requestRefresh();
    });
    return { coalesced: true };
  }

  /** Cancels a scheduled trailing refresh. */
  close(): void {
    if (this.#trailing !== null) this.#clock.clearTimer(this.#trailing);
    this.#trailing = null;
  }
}
