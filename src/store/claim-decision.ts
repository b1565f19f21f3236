import type { Logger } from "../domain/logger.js";
import type { ClaimDecision, ClaimView } from "../orchestrator/journal.js";
import type { ClaimOutcome } from "./sql-store.js";

/**
 * The orchestrator's answer to a lease claim: refused while another live instance holds the lease;
 * granted otherwise, handing over what a dead holder left (its retry, question or interrupted run).
 * Every grant is logged with the previous holder, so a lease hand-over can be traced across instances.
 */
export function claimDecision(
  outcome: ClaimOutcome,
  claim: ClaimView,
  workerId: string,
  logger: Logger,
): ClaimDecision {
  if (outcome.kind === "held") {
    const h = outcome.holder;
    return {
      kind: "refused",
      reason: { kind: "leased_elsewhere", holder: `${h.workerId}`, expiresAt: h.expiresAt },
    };
  }
  logger.info("lease taken", {
    issue_id: claim.issueId,
    worker_id: workerId,
    previous: outcome.previous?.workerId ?? "",
    previous_expires_at: outcome.previous?.expiresAt ?? 0,
  });
  const o = outcome.orphan;
  if (o === null) return { kind: "granted", adopted: null };
  logger.warn("lease taken over from a stopped instance", {
    issue_id: claim.issueId,
    issue_identifier: claim.identifier,
  });
  return {
    kind: "granted",
    adopted: {
      retries: o.retry === null ? [] : [o.retry],
      blocked: o.blocked === null ? [] : [o.blocked],
      interrupted: o.interrupted === null ? [] : [o.interrupted],
    },
  };
}
