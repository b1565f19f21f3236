import type { CircuitRow } from "../domain/snapshot.js";
import type { Limit } from "./settings.js";

/** Failures that say "the provider itself is refusing": the ones a circuit breaker counts. */
export type FailureKind = "auth" | "server" | "rate_limit";

/** `limits.breaker` — consecutive same-kind failures that open a circuit, and the cool-down before a probe. */
export interface BreakerSettings {
  readonly failures: Limit;
  readonly cooldownMs: number;
}

/** One circuit as dashboards see it (the domain's row type). */
export type CircuitView = CircuitRow;

interface Circuit {
  kind: FailureKind | null;
  failures: number;
  openUntil: number | null;
  /** A half-open circuit's single probe is out. */
  probing: boolean;
}

/**
 * Circuit breakers per agent backend and per tracker (docs/spend-and-safety.md): N consecutive failures
 * of the same kind across issues open the circuit, which pauses dispatch (or polling); after the
 * cool-down one probe goes through (half-open); its success closes the circuit, its failure re-opens it.
 * Time is passed in, so callers use their injected clock.
 */
export class CircuitBreakers {
  readonly #circuits = new Map<string, Circuit>();

  constructor(private readonly settings: () => BreakerSettings) {}

  /** Whether work may go to `scope` now; an expired open circuit lets exactly one probe through. */
  allow(scope: string, now: number): boolean {
    const c = this.#circuits.get(scope);
    if (c === undefined || c.openUntil === null) return true;
    if (now < c.openUntil || c.probing) return false;
    c.probing = true;
    return true;
  }

  /** Counts a failure; returns true when this failure opened (or re-opened) the circuit. */
  failure(scope: string, kind: FailureKind, now: number): boolean {
    const c = this.#circuit(scope);
    const { failures, cooldownMs } = this.settings();
    if (c.probing) {
      c.probing = false;
      c.kind = kind;
      c.openUntil = now + cooldownMs;
      return true;
    }
    c.failures = c.kind === kind ? c.failures + 1 : 1;
    c.kind = kind;
    if (c.openUntil === null && failures !== "unlimited" && c.failures >= failures) {
      c.openUntil = now + cooldownMs;
      return true;
    }
    return false;
  }

  /** A success closes the circuit and resets the count; returns true when it closed an open one. */
  success(scope: string): boolean {
    const c = this.#circuits.get(scope);
    if (c === undefined) return false;
    const wasOpen = c.openUntil !== null;
    this.#circuits.delete(scope);
    return wasOpen;
  }

  /** Ends a probe that neither succeeded nor failed in a counted way: the next `allow` probes again. */
  settleProbe(scope: string): void {
    const c = this.#circuits.get(scope);
    if (c !== undefined) c.probing = false;
  }

  /** Every circuit that has counted something, for the snapshot. */
  views(now: number): CircuitView[] {
    return [...this.#circuits].map(([scope, c]) => ({
      scope,
      state: c.openUntil === null ? "closed" : c.probing || now >= c.openUntil ? "half_open" : "open",
      kind: c.kind,
      failures: c.failures,
      retryAt: c.openUntil,
    }));
  }

  #circuit(scope: string): Circuit {
    let c = this.#circuits.get(scope);
    if (c === undefined) {
      c = { kind: null, failures: 0, openUntil: null, probing: false };
      this.#circuits.set(scope, c);
    }
    return c;
  }
}

/** The breaker's view of an agent run error code (null: not a provider refusal, not counted). */
export function agentFailureKind(code: string): FailureKind | null {
  switch (code) {
    case "model_auth":
      return "auth";
    case "model_rate_limited":
      return "rate_limit";
    case "model_server_error":
      return "server";
    default:
      return null;
  }
}

/** The breaker's view of a tracker error (null: not counted). */
export function trackerFailureKind(error: {
  readonly category: string;
  readonly status?: number;
}): FailureKind | null {
  if (error.category === "tracker_auth") return "auth";
  if (error.category === "tracker_rate_limited") return "rate_limit";
  if (error.status !== undefined && error.status >= 500) return "server";
  return null;
}
