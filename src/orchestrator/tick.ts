import type { ServiceConfig } from "../config/types.js";
import type { TrackerError } from "../domain/errors.js";
import type { Issue } from "../domain/issue.js";
import type { Logger } from "../domain/logger.js";
import { type RunError, trackerRunError } from "../domain/run-error.js";
import type { RestoredState } from "../domain/run-record.js";
import type { TrackerAdapter } from "../tracker/adapter.js";
import type { Clock } from "../util/clock.js";
import type { WorkflowSource } from "../workflow/types.js";
import { candidateRefusal, isTerminal, type StateSets, stateSets } from "./eligibility.js";
import type { HostPreference } from "./host-slots.js";
import type { ClaimDecision, ClaimView } from "./journal.js";
import { claimRefusal, hostSlotsFor, planDispatch, slotsFor } from "./plan.js";
import { decide, describeStop, stalledRuns } from "./reconcile.js";
import type { OrchestratorState, RetryEntry, RunningEntry, StopReason } from "./state.js";

/** Longest a tracker call in a tick may take. */
const TRACKER_TIMEOUT_MS = 60_000;

/** A tracker call's signal: aborted by orchestrator shutdown or after the call timeout. */
function trackerSignal(ctx: TickContext): AbortSignal {
  return AbortSignal.any([ctx.signal, AbortSignal.timeout(TRACKER_TIMEOUT_MS)]);
}

/** What a tick may read and which orchestrator actions it may take. */
export interface TickContext {
  readonly state: OrchestratorState;
  readonly workflow: WorkflowSource;
  readonly tracker: TrackerAdapter;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly preflight: ((config: ServiceConfig) => string | null) | undefined;
  /** Aborted when the orchestrator stops, so a hanging tracker call cannot hold up shutdown. */
  readonly signal: AbortSignal;
  stopped(): boolean;
  /** Told the outcome of every candidate fetch (for the tracker's circuit breaker). */
  onCandidateFetch?(error: TrackerError | null): void;
  /** Starts a run of `issue` on `host` (`local` or an SSH destination); `workspacePath` of its last run. */
  dispatch(issue: Issue, attempt: number | null, host: string, workspacePath?: string | null): void;
  /** Takes the issue's lease (always granted without a store). */
  claim(claim: ClaimView): Promise<ClaimDecision>;
  /** Gives back a lease taken for a dispatch that did not happen. */
  unclaim(issueId: string): void;
  /** Takes over work a dead instance left for an issue whose lease was just granted. */
  adopt(restored: RestoredState): void;
  stopRun(entry: RunningEntry, reason: StopReason): void;
  /** Removes the workspace on `host`; null = on every configured host. */
  cleanWorkspace(
    issue: Pick<Issue, "id" | "identifier">,
    recordedPath: string | null,
    host: string | null,
  ): void;
  scheduleRetry(
    issue: Pick<Issue, "id" | "identifier" | "url">,
    attempt: number,
    kind: "continuation" | "failure",
    error: RunError | null,
    workspacePath: string | null,
    placement: HostPreference,
  ): void;
}

/** One poll tick (spec 16.2): reconcile → validate → fetch → sort → dispatch while slots remain. */
export async function runTick(ctx: TickContext): Promise<void> {
  const { state, logger } = ctx;
  for (const [id, lease] of state.leasedElsewhere)
    if (lease.until <= ctx.clock.now()) state.leasedElsewhere.delete(id);
  await reconcile(ctx, ctx.workflow.current().config);
  const reloaded = ctx.workflow.revalidate();
  if (!reloaded.ok) {
    state.lastError = `workflow invalid: ${reloaded.error.message}`;
    logger.error("dispatch skipped: workflow invalid", {
      code: reloaded.error.code,
      error: reloaded.error.message,
    });
    return;
  }
  const config = reloaded.value.config;
  const problem = ctx.preflight?.(config) ?? null;
  if (problem !== null) {
    state.lastError = problem;
    logger.error("dispatch skipped: preflight failed", { error: problem });
    return;
  }
  const sets = stateSets(config.tracker);
  const fetched = await ctx.tracker.fetchIssuesByStates(config.tracker.activeStates, trackerSignal(ctx));
  ctx.onCandidateFetch?.(fetched.ok ? null : fetched.error);
  if (!fetched.ok) {
    state.lastError = `tracker: ${fetched.error.message}`;
    logger.warn("candidate fetch failed", { category: fetched.error.category, error: fetched.error.message });
    return;
  }
  if (ctx.stopped()) return;
  const plan = planDispatch(fetched.value, state, config.agent, sets, config.worker);
  state.lastError = null;
  state.skipped = [...plan.skipped];
  if (plan.picks.length > 0) await dispatchPicks(ctx, config, plan.picks, sets);
}

/**
 * Leases the picks, then re-fetches them by id right before dispatch, so neither a stale candidate
 * list nor an issue another instance finished a moment ago starts a run.
 */
async function dispatchPicks(
  ctx: TickContext,
  config: ServiceConfig,
  picks: readonly Issue[],
  sets: StateSets,
): Promise<void> {
  const granted: Issue[] = [];
  for (const pick of picks) {
    if (await leased(ctx, pick, null, "")) granted.push(pick);
    if (ctx.stopped()) return;
  }
  if (granted.length === 0) return;
  const fresh = await ctx.tracker.fetchIssuesByIds(
    granted.map((p) => p.id),
    trackerSignal(ctx),
  );
  if (!fresh.ok) {
    ctx.logger.warn("pre-dispatch refresh failed", { error: fresh.error.message });
    for (const pick of granted) ctx.unclaim(pick.id);
    return;
  }
  if (ctx.stopped()) return;
  const byId = new Map(fresh.value.map((i) => [i.id, i]));
  const slots = slotsFor(ctx.state, config.agent);
  const hosts = hostSlotsFor(ctx.state, config.worker);
  for (const pick of granted) {
    const issue = byId.get(pick.id);
    if (issue === undefined) {
      ctx.logger.info("dispatch skipped: issue vanished", {
        issue_id: pick.id,
        issue_identifier: pick.identifier,
      });
      ctx.unclaim(pick.id);
      continue;
    }
    const reason =
      claimRefusal(issue.id, ctx.state) ?? candidateRefusal(issue, sets) ?? slots.refusal(issue.state);
    if (reason !== null) {
      ctx.logger.info("dispatch skipped: issue changed", { issue_id: issue.id, reason: reason.kind });
      ctx.state.skipped.push({ issueId: issue.id, identifier: issue.identifier, state: issue.state, reason });
      ctx.unclaim(issue.id);
      continue;
    }
    const host = hosts.choose();
    if (!host.ok) {
      const reason = { kind: "no_host_capacity" } as const;
      ctx.state.skipped.push({ issueId: issue.id, identifier: issue.identifier, state: issue.state, reason });
      ctx.unclaim(issue.id);
      continue;
    }
    hosts.take(host.value);
    slots.take(issue.state);
    ctx.dispatch(issue, null, host.value);
  }
}

/**
 * Takes the lease before a dispatch. False when another instance holds it, the shared store is down,
 * or a dead instance left work for the issue (adopted instead: its backoff or question stands).
 */
async function leased(
  ctx: TickContext,
  issue: Issue,
  attempt: number | null,
  host: string,
): Promise<boolean> {
  const decision = await ctx.claim({
    issueId: issue.id,
    identifier: issue.identifier,
    host,
    workspacePath: null,
    attempt,
  });
  if (decision.kind === "refused") {
    if (decision.reason.kind === "leased_elsewhere") {
      // leave it to its holder for two polls, so this instance's slots go to other candidates
      const until = ctx.clock.now() + 2 * ctx.workflow.current().config.polling.intervalMs;
      ctx.state.leasedElsewhere.set(issue.id, { ...decision.reason, until });
    }
    ctx.state.skipped.push({
      issueId: issue.id,
      identifier: issue.identifier,
      state: issue.state,
      reason: decision.reason,
    });
    ctx.logger.info("dispatch skipped: not leased", { issue_id: issue.id, reason: decision.reason.kind });
    return false;
  }
  if (decision.adopted === null) return true;
  ctx.adopt(decision.adopted);
  return !ctx.state.claimed.has(issue.id);
}

/** Spec 16.3 plus blocked issues: stall detection, then one refresh of every running and blocked id. */
async function reconcile(ctx: TickContext, config: ServiceConfig): Promise<void> {
  const { state } = ctx;
  const stalled = stalledRuns(state.running.values(), ctx.clock.now(), config.codex.stallTimeoutMs);
  for (const { entry, elapsedMs } of stalled) ctx.stopRun(entry, { kind: "stall", elapsedMs });
  const runningIds = [...state.running.values()].filter((e) => e.stop === null).map((e) => e.issue.id);
  const blockedIds = [...state.blocked.keys()];
  // issues this process ran and released (a hand-off state) whose workspace is still on disk: a person
  // may move them to a terminal state later, and then the workspace goes without waiting for a restart
  const releasedIds = [...state.finished.values()]
    .filter(
      (f) => f.workspacePath !== null && !state.claimed.has(f.issue.id) && !state.running.has(f.issue.id),
    )
    .map((f) => f.issue.id);
  if (runningIds.length + blockedIds.length + releasedIds.length === 0) return;
  const refreshed = await ctx.tracker.fetchIssuesByIds(
    [...runningIds, ...blockedIds, ...releasedIds],
    trackerSignal(ctx),
  );
  if (!refreshed.ok) {
    ctx.logger.warn("reconcile refresh failed; keeping workers", { error: refreshed.error.message });
    return;
  }
  const sets = stateSets(config.tracker);
  const byId = new Map(refreshed.value.map((i) => [i.id, i]));
  for (const id of runningIds) {
    const entry = state.running.get(id);
    if (entry === undefined || entry.stop !== null) continue;
    const decision = decide(byId.get(id), sets);
    if (decision.action === "keep") entry.issue = decision.issue;
    else ctx.stopRun(entry, decision.reason);
  }
  for (const id of releasedIds) {
    const finished = state.finished.get(id);
    const issue = byId.get(id);
    if (finished === undefined || finished.workspacePath === null || issue === undefined) continue;
    if (!isTerminal(issue, sets) || state.claimed.has(id)) continue;
    ctx.logger.info("released issue became terminal; removing its workspace", {
      issue_id: id,
      issue_identifier: issue.identifier,
      state: issue.state,
    });
    ctx.cleanWorkspace(issue, finished.workspacePath, finished.host);
  }
  for (const id of blockedIds) {
    const blocked = state.blocked.get(id);
    if (blocked === undefined) continue;
    const decision = decide(byId.get(id), sets);
    if (decision.action === "keep") {
      blocked.issue = decision.issue;
      continue;
    }
    state.blocked.delete(id);
    state.claimed.delete(id);
    ctx.logger.info("blocked issue released", {
      issue_id: id,
      issue_identifier: blocked.issue.identifier,
      reason: describeStop(decision.reason),
    });
    if (decision.reason.kind === "terminal") {
      ctx.cleanWorkspace(decision.reason.issue, blocked.workspacePath, blocked.host);
    }
  }
}

/** A due retry (spec 16.6 `on_retry_timer`): re-fetch, then dispatch, requeue or release the claim. */
export async function runRetry(ctx: TickContext, retry: RetryEntry): Promise<void> {
  const { state } = ctx;
  const issueId = retry.issueId;
  const log = ctx.logger.child({ issue_id: issueId, issue_identifier: retry.identifier });
  const refreshed = await ctx.tracker.fetchIssuesByIds([issueId], trackerSignal(ctx));
  if (ctx.stopped()) return;
  if (!refreshed.ok) {
    const ref = { id: issueId, identifier: retry.identifier, url: retry.url };
    const error = trackerRunError(refreshed.error);
    ctx.scheduleRetry(ref, retry.attempt + 1, "failure", error, retry.workspacePath, retry.placement);
    return;
  }
  const issue = refreshed.value.find((i) => i.id === issueId);
  const config = ctx.workflow.current().config;
  const sets = stateSets(config.tracker);
  if (issue === undefined) {
    state.claimed.delete(issueId);
    log.info("claim released: issue no longer visible");
    return;
  }
  if (isTerminal(issue, sets)) {
    state.claimed.delete(issueId);
    log.info("claim released: issue terminal", { state: issue.state });
    ctx.cleanWorkspace(issue, retry.workspacePath, retry.placement.preferred);
    return;
  }
  const refusal = candidateRefusal(issue, sets);
  if (refusal !== null) {
    state.claimed.delete(issueId);
    log.info("claim released: issue no longer a candidate", { reason: refusal.kind, state: issue.state });
    return;
  }
  const requeue = (error: RunError): void =>
    ctx.scheduleRetry(issue, retry.attempt + 1, "failure", error, retry.workspacePath, retry.placement);
  if (slotsFor(state, config.agent).refusal(issue.state) !== null) {
    requeue({ code: "no_slots", message: "no available orchestrator slots", retryable: true });
    return;
  }
  // spec A.2: all hosts full → wait (never fall back to local); the previous host is preferred
  const host = hostSlotsFor(state, config.worker).choose(retry.placement);
  if (!host.ok) {
    requeue({ code: "no_host_capacity", message: "no available worker host capacity", retryable: true });
    return;
  }
  if (!(await leased(ctx, issue, retry.attempt, host.value))) {
    // someone else runs it now; our claim ends here
    if (!state.running.has(issueId) && !state.retries.has(issueId) && !state.blocked.has(issueId)) {
      state.claimed.delete(issueId);
    }
    return;
  }
  if (ctx.stopped()) return;
  ctx.dispatch(issue, retry.attempt, host.value, retry.workspacePath);
}
