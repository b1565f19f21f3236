import type { Issue } from "../domain/issue.js";
import { describeTrip, type LimitTrip } from "../domain/limit-trip.js";
import type { Logger } from "../domain/logger.js";
import type { SpendGuard } from "../spend/guard.js";
import { postComment, type TrackerAdapter } from "../tracker/adapter.js";
import type { OrchestratorState } from "./state.js";

/** Where a parked issue's work is (its last run's workspace and host). */
export interface ParkedPlace {
  readonly workspacePath: string | null;
  readonly host: string;
  readonly sessionId: string | null;
  /** The last run's last agent event, when a run was stopped by the limit. */
  readonly lastEvent?: string | null;
  readonly lastMessage?: string | null;
  readonly lastEventAt?: number | null;
}

/** The tracker comment Symphony writes when a limit parks an issue: which limit and how to lift it. */
export function parkedComment(trip: LimitTrip): string {
  const lift =
    trip.reason === "no_progress"
      ? `Clarify or change the issue, or raise \`${trip.key}\` in WORKFLOW.md (or set it to \`unlimited\`).`
      : `Raise \`${trip.key}\` in WORKFLOW.md (or set it to \`unlimited\`); the service picks the change up on its own.`;
  const wait =
    trip.resetsAt === null
      ? ""
      : ` Otherwise work resumes when the budget starts over at ${new Date(trip.resetsAt).toISOString()}.`;
  return `Symphony paused work on this issue: ${describeTrip(trip)}. ${lift}${wait}`;
}

/**
 * Parks an issue: it stays claimed, shows as blocked with the limit, is never retried until the limit
 * allows it again, and the tracker is told once (a failed comment is only logged).
 */
export function parkIssue(
  state: OrchestratorState,
  issue: Issue,
  trip: LimitTrip,
  place: ParkedPlace,
  ctx: {
    readonly now: number;
    readonly logger: Logger;
    readonly tracker: TrackerAdapter;
    readonly signal: AbortSignal;
  },
): void {
  state.blocked.set(issue.id, {
    issue,
    kind: trip.reason,
    limit: trip,
    question: describeTrip(trip),
    blockedAt: ctx.now,
    sessionId: place.sessionId,
    workspacePath: place.workspacePath,
    host: place.host,
    lastEvent: place.lastEvent ?? null,
    lastMessage: place.lastMessage ?? null,
    lastEventAt: place.lastEventAt ?? null,
  });
  state.claimed.add(issue.id);
  const log = ctx.logger.child({ issue_id: issue.id, issue_identifier: issue.identifier });
  log.warn("issue parked by a limit", {
    reason: trip.reason,
    limit: trip.limit,
    scope: trip.scope,
    used: trip.used,
    max: trip.max,
    key: trip.key,
  });
  postComment(ctx.tracker, issue.id, parkedComment(trip), ctx.signal, (error) =>
    log.warn("parked comment failed", { error }),
  );
}

/** Releases every parked issue whose limit allows it again (raised on reload, or the period rolled over). */
export function releaseParked(
  state: OrchestratorState,
  guard: SpendGuard,
  now: number,
  logger: Logger,
): number {
  let released = 0;
  for (const [id, blocked] of state.blocked) {
    if (blocked.limit === null || !guard.mayRelease(blocked.issue, blocked.limit, now)) continue;
    state.blocked.delete(id);
    state.claimed.delete(id);
    released += 1;
    logger.info("parked issue released", {
      issue_id: id,
      issue_identifier: blocked.issue.identifier,
      reason: blocked.limit.reason,
      limit: blocked.limit.limit,
    });
  }
  return released;
}
