import type { ServiceConfig } from "../config/types.js";
import type { TrackerError } from "../domain/errors.js";
import type { Logger } from "../domain/logger.js";
import { agentFailureKind, type CircuitBreakers, trackerFailureKind } from "../spend/breaker.js";
import type { WorkerExit } from "./worker.js";

/** The circuit of the configured agent backend. */
export function agentScope(backend: string): string {
  return `agent:${backend}`;
}

/** The circuit of the configured tracker. */
export function trackerScope(config: ServiceConfig): string {
  return `tracker:${config.tracker.kind}`;
}

/** Counts a finished run towards its backend's circuit; logs when the circuit opens or closes. */
export function countRun(
  breakers: CircuitBreakers,
  scope: string,
  exit: WorkerExit,
  now: number,
  logger: Logger,
): void {
  if (exit.outcome === "completed") {
    if (breakers.success(scope)) logger.info("circuit closed", { scope });
    return;
  }
  const kind =
    exit.outcome === "failed" || exit.outcome === "timed_out" ? agentFailureKind(exit.error.code) : null;
  if (kind === null) {
    breakers.settleProbe(scope);
    return;
  }
  if (breakers.failure(scope, kind, now)) {
    logger.warn("circuit opened: dispatch paused", {
      scope,
      kind,
      error_code: exit.outcome === "failed" || exit.outcome === "timed_out" ? exit.error.code : null,
    });
  }
}

/** Counts a candidate fetch towards the tracker's circuit; logs when it opens or closes. */
export function countTrackerFetch(
  breakers: CircuitBreakers,
  scope: string,
  error: TrackerError | null,
  now: number,
  logger: Logger,
): void {
  if (error === null) {
    if (breakers.success(scope)) logger.info("circuit closed", { scope });
    return;
  }
  const kind = trackerFailureKind(error);
  if (kind === null) {
    breakers.settleProbe(scope);
    return;
  }
  if (breakers.failure(scope, kind, now))
    logger.warn("circuit opened: polling paused", { scope, kind, category: error.category });
}
