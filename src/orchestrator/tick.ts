import type { ServiceConfig } from "../config/types.js";
import type { Issue } from "../domain/issue.js";
import type { Logger } from "../domain/logger.js";
import { type RunError, trackerRunError } from "../domain/run-error.js";
import type { TrackerAdapter } from "../tracker/adapter.js";
import type { Clock } from "../util/clock.js";
import type { WorkflowSource } from "../workflow/types.js";
import { candidateRefusal, isTerminal, type StateSets, stateSets } from "./eligibility.js";
import type { HostPreference } from "./host-slots.js";
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
  /** Starts a run of `issue` on `host` (`local` or an SSH destination). */
  dispatch(issue: Issue, attempt: number | null, host: string): void;
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

/** Re-fetches picks by id right before dispatch so a stale candidate list never starts a run. */
async function dispatchPicks(
  ctx: TickContext,
  config: ServiceConfig,
  picks: readonly Issue[],
  sets: StateSets,
): Promise<void> {
  const ids = picks.map((p) => p.id);
  const fresh = await ctx.tracker.fetchIssuesByIds(ids, trackerSignal(ctx));
  if (!fresh.ok) {
    ctx.logger.warn("pre-dispatch refresh failed", { error: fresh.error.message });
    return;
  }
  if (ctx.stopped()) return;
  const byId = new Map(fresh.value.map((i) => [i.id, i]));
  const slots = slotsFor(ctx.state, config.agent);
  const hosts = hostSlotsFor(ctx.state, config.worker);
  for (const pick of picks) {
    const issue = byId.get(pick.id);
    if (issue === undefined) {
      ctx.logger.info("dispatch skipped: issue vanished", {
        issue_id: pick.id,
        issue_identifier: pick.identifier,
      });
      continue;
    }
    const reason =
      claimRefusal(issue.id, ctx.state) ?? candidateRefusal(issue, sets) ?? slots.refusal(issue.state);
    if (reason !== null) {
      ctx.logger.info("dispatch skipped: issue changed", { issue_id: issue.id, reason: reason.kind });
      ctx.state.skipped.push({ issueId: issue.id, identifier: issue.identifier, state: issue.state, reason });
      continue;
    }
    const host = hosts.choose();
    if (!host.ok) {
      const reason = { kind: "no_host_capacity" } as const;
      ctx.state.skipped.push({ issueId: issue.id, identifier: issue.identifier, state: issue.state, reason });
      continue;
    }
    hosts.take(host.value);
    slots.take(issue.state);
    ctx.dispatch(issue, null, host.value);
  }
}

/** Spec 16.3 plus blocked issues: stall detection, then one refresh of every running and blocked id. */
async function reconcile(ctx: TickContext, config: ServiceConfig): Promise<void> {
  const { state } = ctx;
  const stalled = stalledRuns(state.running.values(), ctx.clock.now(), config.codex.stallTimeoutMs);
  for (const { entry, elapsedMs } of stalled) ctx.stopRun(entry, { kind: "stall", elapsedMs });
  const runningIds = [...state.running.values()].filter((e) => e.stop === null).map((e) => e.issue.id);
  const blockedIds = [...state.blocked.keys()];
  if (runningIds.length + blockedIds.length === 0) return;
  const refreshed = await ctx.tracker.fetchIssuesByIds([...runningIds, ...blockedIds], trackerSignal(ctx));
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
  ctx.dispatch(issue, retry.attempt, host.value);
}
