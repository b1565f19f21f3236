import type { ServiceConfig } from "../config/types.js";
import type { TrackerError } from "../domain/errors.js";
import type { Issue } from "../domain/issue.js";
import type { Logger } from "../domain/logger.js";
import type { RunError } from "../domain/run-error.js";
import { agentFailureKind, type CircuitBreakers, trackerFailureKind } from "../spend/breaker.js";
import type { HostPreference } from "./host-slots.js";
import type { OrchestratorState } from "./state.js";
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

/** What holding an issue for an open circuit may touch. */
export interface CircuitHold {
  readonly state: OrchestratorState;
  readonly breakers: CircuitBreakers | undefined;
  readonly now: number;
  readonly scheduleRetry: (
    issue: Issue,
    attempt: number,
    kind: "failure",
    error: RunError,
    workspacePath: string | null,
    placement: HostPreference,
  ) => void;
}

/**
 * An open circuit `scope` stopped a dispatch: a claimed issue (a due retry) waits for its next retry
 * with error `circuit_open`; a new candidate is listed as skipped with the time the circuit may probe.
 */
export function holdForCircuit(
  hold: CircuitHold,
  issue: Issue,
  attempt: number | null,
  host: string,
  workspacePath: string | null,
  scope: string,
): void {
  const retryAt = hold.breakers?.views(hold.now).find((c) => c.scope === scope)?.retryAt ?? null;
  if (hold.state.claimed.has(issue.id)) {
    const error = { code: "circuit_open", message: `circuit open for ${scope}`, retryable: true };
    hold.scheduleRetry(issue, attempt ?? 1, "failure", error, workspacePath, {
      preferred: host,
      avoid: null,
    });
    return;
  }
  const reason = { kind: "circuit_open", scope, retryAt } as const;
  hold.state.skipped.push({ issueId: issue.id, identifier: issue.identifier, state: issue.state, reason });
}
