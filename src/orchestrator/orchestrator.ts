import type { ServiceConfig } from "../config/types.js";
import type { AgentEvent } from "../domain/agent-event.js";
import { messageOf } from "../domain/errors.js";
import type { Issue } from "../domain/issue.js";
import type { ObserverEvent, OrchestratorSnapshot, StatusSource } from "../domain/snapshot.js";
import type { Logger } from "../observability/logger.js";
import type { TrackerAdapter } from "../tracker/adapter.js";
import type { Clock, TimerHandle } from "../util/clock.js";
import type { WorkflowSource } from "../workflow/types.js";
import { workspaceKey } from "../workspace/key.js";
import type { WorkspaceManager } from "../workspace/manager.js";
import { candidateRefusal, isTerminal, type StateSets, stateSets } from "./eligibility.js";
import { applyAgentEvent } from "./events.js";
import { claimRefusal, planDispatch, slotsFor } from "./plan.js";
import { decide, describeStop, stalledRuns } from "./reconcile.js";
import { CONTINUATION_DELAY_MS, failureDelayMs } from "./retry.js";
import { buildSnapshot } from "./snapshot.js";
import { emptyState, type OrchestratorState, type RunningEntry, type StopReason } from "./state.js";
import type { WorkerExit, WorkerLauncher } from "./worker.js";

/** What the orchestrator is composed from. */
export interface OrchestratorDeps {
  readonly workflow: WorkflowSource;
  /** The current tracker adapter (the service may rebuild it when the tracker config changes). */
  readonly tracker: () => TrackerAdapter;
  readonly launch: WorkerLauncher;
  readonly workspaces: WorkspaceManager;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Name of the host runs start on (for dashboards). */
  readonly hostName?: string;
  /** Dispatch preflight (spec 6.3): an operator-facing problem, or null when dispatch may proceed. */
  readonly preflight?: (config: ServiceConfig) => string | null;
  /** How long `stop()` lets runs finish `after_run` before aborting cleanup too. */
  readonly shutdownGraceMs?: number;
}

type Message =
  | { readonly type: "tick" }
  | { readonly type: "retry"; readonly issueId: string; readonly token: number }
  | { readonly type: "exit"; readonly issueId: string; readonly runId: string; readonly exit: WorkerExit };

/**
 * The single owner of scheduling state (spec 7, 8, 16). Ticks, retry timers, refreshes and worker
 * exits are queued and handled one at a time; agent events only touch their own running entry.
 */
export class Orchestrator implements StatusSource {
  readonly #deps: OrchestratorDeps;
  readonly #state: OrchestratorState = emptyState();
  readonly #listeners = new Set<(event: ObserverEvent) => void>();
  readonly #queue: Message[] = [];
  readonly #workers = new Map<string, Promise<void>>();
  readonly #pendingCleanups = new Set<Promise<void>>();
  readonly #cleanupController = new AbortController();
  readonly #idleWaiters: (() => void)[] = [];
  #draining = false;
  #tickTimer: TimerHandle | null = null;
  #tickQueued = false;
  #ticking = false;
  #stopped = false;
  #started = false;
  #retryToken = 0;
  #runSeq = 0;

  constructor(deps: OrchestratorDeps) {
    this.#deps = deps;
  }

  /** Startup terminal cleanup (spec 8.6), then an immediate first tick. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    await this.#startupCleanup();
    if (!this.#stopped) this.#enqueue({ type: "tick" });
  }

  /** Stops scheduling, aborts every run and waits for workers (and their `after_run`) to finish. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#tickTimer !== null) this.#deps.clock.clearTimer(this.#tickTimer);
    this.#tickTimer = null;
    for (const retry of this.#state.retries.values()) this.#deps.clock.clearTimer(retry.timer);
    this.#state.retries.clear();
    for (const entry of this.#state.running.values()) this.#stopRun(entry, { kind: "shutdown" });
    const grace = this.#deps.shutdownGraceMs ?? 5000;
    const graceTimer = this.#deps.clock.setTimer(grace, () => this.#cleanupController.abort());
    await Promise.allSettled([...this.#workers.values()]);
    await this.idle();
    await Promise.allSettled([...this.#pendingCleanups]);
    this.#deps.clock.clearTimer(graceTimer);
    this.#deps.logger.info("orchestrator stopped");
    this.#notify({ type: "snapshot_changed" });
  }

  /** Resolves once no queued message is left to process. */
  idle(): Promise<void> {
    if (!this.#draining && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** {@inheritDoc StatusSource.snapshot} */
  snapshot(): OrchestratorSnapshot {
    return buildSnapshot(this.#state, {
      now: this.#deps.clock.now(),
      config: this.#deps.workflow.current().config,
      trackerRateLimits: this.#safeTrackerRateLimits(),
    });
  }

  /** {@inheritDoc StatusSource.subscribe} */
  subscribe(listener: (event: ObserverEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** {@inheritDoc StatusSource.requestRefresh} */
  requestRefresh(): { readonly coalesced: boolean } {
    if (this.#stopped || this.#tickQueued || this.#ticking) return { coalesced: true };
    if (this.#tickTimer !== null) this.#deps.clock.clearTimer(this.#tickTimer);
    this.#tickTimer = null;
    this.#enqueue({ type: "tick" });
    return { coalesced: false };
  }

  // ---- queue --------------------------------------------------------------------------------

  #enqueue(message: Message): void {
    if (message.type === "tick") {
      if (this.#tickQueued) return;
      this.#tickQueued = true;
    }
    this.#queue.push(message);
    if (!this.#draining) void this.#drain();
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      for (let message = this.#queue.shift(); message !== undefined; message = this.#queue.shift()) {
        try {
          await this.#handle(message);
        } catch (cause) {
          this.#deps.logger.error("orchestrator message failed", {
            message: message.type,
            error: messageOf(cause),
          });
        }
      }
    } finally {
      this.#draining = false;
      for (const resolve of this.#idleWaiters.splice(0)) resolve();
    }
  }

  async #handle(message: Message): Promise<void> {
    switch (message.type) {
      case "tick":
        this.#tickQueued = false;
        if (this.#stopped) return;
        this.#ticking = true;
        try {
          await this.#tick();
        } finally {
          this.#ticking = false;
          this.#scheduleTick();
        }
        return;
      case "retry":
        return this.#onRetry(message.issueId, message.token);
      case "exit":
        return this.#onExit(message.issueId, message.runId, message.exit);
      default: {
        const never: never = message;
        throw new Error(`unknown message ${JSON.stringify(never)}`);
      }
    }
  }

  #scheduleTick(): void {
    if (this.#stopped) return;
    const interval = this.#deps.workflow.current().config.polling.intervalMs;
    if (this.#tickTimer !== null) this.#deps.clock.clearTimer(this.#tickTimer);
    this.#state.nextTickAt = this.#deps.clock.now() + interval;
    this.#tickTimer = this.#deps.clock.setTimer(interval, () => {
      this.#tickTimer = null;
      this.#enqueue({ type: "tick" });
    });
    this.#notify({ type: "snapshot_changed" });
  }

  // ---- tick ---------------------------------------------------------------------------------

  async #tick(): Promise<void> {
    const { clock, logger } = this.#deps;
    this.#state.checking = true;
    this.#state.lastTickAt = clock.now();
    this.#notify({ type: "snapshot_changed" });
    try {
      await this.#reconcile(this.#deps.workflow.current().config);
      const reloaded = this.#deps.workflow.revalidate();
      if (!reloaded.ok) {
        this.#state.lastError = `workflow invalid: ${reloaded.error.message}`;
        logger.error("dispatch skipped: workflow invalid", {
          code: reloaded.error.code,
          error: reloaded.error.message,
        });
        return;
      }
      const config = reloaded.value.config;
      const problem = this.#deps.preflight?.(config) ?? null;
      if (problem !== null) {
        this.#state.lastError = problem;
        logger.error("dispatch skipped: preflight failed", { error: problem });
        return;
      }
      const sets = stateSets(config.tracker);
      const fetched = await this.#deps
        .tracker()
        .fetchIssuesByStates(config.tracker.activeStates, AbortSignal.timeout(60_000));
      if (!fetched.ok) {
        this.#state.lastError = `tracker: ${fetched.error.message}`;
        logger.warn("candidate fetch failed", {
          category: fetched.error.category,
          error: fetched.error.message,
        });
        return;
      }
      if (this.#stopped) return;
      const plan = planDispatch(fetched.value, this.#state, config.agent, sets);
      this.#state.lastError = null;
      this.#state.skipped = [...plan.skipped];
      if (plan.picks.length > 0) await this.#dispatchPicks(plan.picks, sets);
    } finally {
      this.#state.checking = false;
      this.#notify({ type: "snapshot_changed" });
    }
  }

  /** Re-fetches picks by id right before dispatch so a stale candidate list never starts a run. */
  async #dispatchPicks(picks: readonly Issue[], sets: StateSets): Promise<void> {
    const fresh = await this.#deps.tracker().fetchIssuesByIds(
      picks.map((p) => p.id),
      AbortSignal.timeout(60_000),
    );
    if (!fresh.ok) {
      this.#deps.logger.warn("pre-dispatch refresh failed", { error: fresh.error.message });
      return;
    }
    if (this.#stopped) return;
    const byId = new Map(fresh.value.map((i) => [i.id, i]));
    const config = this.#deps.workflow.current().config;
    const slots = slotsFor(this.#state, config.agent);
    for (const pick of picks) {
      const issue = byId.get(pick.id);
      const reason =
        issue === undefined
          ? null
          : (claimRefusal(issue.id, this.#state) ??
            candidateRefusal(issue, sets) ??
            slots.refusal(issue.state));
      if (issue === undefined || reason !== null) {
        this.#deps.logger.info("dispatch skipped: issue changed", {
          issue_id: pick.id,
          issue_identifier: pick.identifier,
        });
        if (issue !== undefined && reason !== null) {
          this.#state.skipped.push({
            issueId: issue.id,
            identifier: issue.identifier,
            state: issue.state,
            reason,
          });
        }
        continue;
      }
      slots.take(issue.state);
      this.#dispatch(issue, null);
    }
  }

  // ---- reconcile ----------------------------------------------------------------------------

  async #reconcile(config: ServiceConfig): Promise<void> {
    const now = this.#deps.clock.now();
    for (const { entry, elapsedMs } of stalledRuns(
      this.#state.running.values(),
      now,
      config.codex.stallTimeoutMs,
    )) {
      this.#stopRun(entry, { kind: "stall", elapsedMs });
    }
    const runningIds = [...this.#state.running.values()]
      .filter((e) => e.stop === null)
      .map((e) => e.issue.id);
    const blockedIds = [...this.#state.blocked.keys()];
    const ids = [...runningIds, ...blockedIds];
    if (ids.length === 0) return;
    const refreshed = await this.#deps.tracker().fetchIssuesByIds(ids, AbortSignal.timeout(60_000));
    if (!refreshed.ok) {
      this.#deps.logger.warn("reconcile refresh failed; keeping workers", { error: refreshed.error.message });
      return;
    }
    const sets = stateSets(config.tracker);
    const byId = new Map(refreshed.value.map((i) => [i.id, i]));
    for (const id of runningIds) {
      const entry = this.#state.running.get(id);
      if (entry === undefined || entry.stop !== null) continue;
      const decision = decide(byId.get(id), sets);
      if (decision.action === "keep") entry.issue = decision.issue;
      else this.#stopRun(entry, decision.reason);
    }
    for (const id of blockedIds) {
      const blocked = this.#state.blocked.get(id);
      if (blocked === undefined) continue;
      const decision = decide(byId.get(id), sets);
      if (decision.action === "keep") {
        blocked.issue = decision.issue;
        continue;
      }
      this.#state.blocked.delete(id);
      this.#state.claimed.delete(id);
      this.#deps.logger.info("blocked issue released", {
        issue_id: id,
        issue_identifier: blocked.issue.identifier,
        reason: describeStop(decision.reason),
      });
      if (decision.reason.kind === "terminal")
        this.#cleanWorkspace(decision.reason.issue, blocked.workspacePath);
    }
  }

  #stopRun(entry: RunningEntry, reason: StopReason): void {
    if (entry.stop !== null) return;
    entry.stop = reason;
    this.#deps.logger.info("stopping run", {
      issue_id: entry.issue.id,
      issue_identifier: entry.issue.identifier,
      reason: describeStop(reason),
    });
    entry.controller.abort(reason.kind);
  }

  #cleanWorkspace(issue: Pick<Issue, "id" | "identifier">, recordedPath: string | null): void {
    const job = this.#deps.workspaces
      .remove({ issue, signal: this.#cleanupController.signal }, recordedPath)
      .catch((cause) => this.#deps.logger.warn("workspace cleanup failed", { error: messageOf(cause) }));
    this.#pendingCleanups.add(job);
    void job.finally(() => this.#pendingCleanups.delete(job));
  }

  async #startupCleanup(): Promise<void> {
    const config = this.#deps.workflow.current().config;
    const result = await this.#deps
      .tracker()
      .fetchIssuesByStates(config.tracker.terminalStates, AbortSignal.timeout(60_000));
    if (!result.ok) {
      this.#deps.logger.warn("startup terminal cleanup skipped: fetch failed", {
        error: result.error.message,
      });
      return;
    }
    for (const issue of result.value) {
      await this.#deps.workspaces
        .remove({ issue, signal: this.#cleanupController.signal })
        .catch((cause) => this.#deps.logger.warn("workspace cleanup failed", { error: messageOf(cause) }));
    }
  }

  // ---- dispatch and workers -----------------------------------------------------------------

  #dispatch(issue: Issue, attempt: number | null): void {
    const { clock, logger } = this.#deps;
    const workflow = this.#deps.workflow.current();
    this.#runSeq += 1;
    const runId = `${workspaceKey(issue.identifier)}.${clock.now().toString(36)}.${this.#runSeq}`;
    const controller = new AbortController();
    const entry: RunningEntry = {
      issue,
      runId,
      attempt,
      startedAt: clock.now(),
      controller,
      backend: workflow.config.agent.backend,
      host: this.#deps.hostName ?? "local",
      stop: null,
      workspacePath: null,
      sessionId: null,
      pid: null,
      turnCount: 0,
      lastEvent: null,
      lastMessage: null,
      lastEventAt: null,
      tokens: { input: 0, output: 0, total: 0 },
      reported: { input: 0, output: 0, total: 0 },
      input: null,
      recent: [
        {
          at: clock.now(),
          event: "dispatch",
          message: attempt === null ? "dispatched" : `retry attempt ${attempt}`,
        },
      ],
    };
    this.#cancelRetry(issue.id);
    this.#state.running.set(issue.id, entry);
    this.#state.claimed.add(issue.id);
    this.#state.totals.runsStarted += 1;
    logger.info("dispatching issue", {
      issue_id: issue.id,
      issue_identifier: issue.identifier,
      attempt,
      run_id: runId,
      state: issue.state,
    });
    this.#notify({ type: "run_started", issueId: issue.id, identifier: issue.identifier, runId, attempt });
    let done: Promise<WorkerExit>;
    try {
      done = this.#deps.launch({
        issue,
        attempt,
        runId,
        workflow,
        signal: controller.signal,
        cleanupSignal: this.#cleanupController.signal,
        onEvent: (event) => this.#onAgentEvent(issue.id, runId, event),
        onHook: (report) => {
          if (this.#state.running.get(issue.id)?.runId === runId) {
            entry.recent.push({
              at: clock.now(),
              event: "hook",
              message: `${report.hook} ${report.ok ? "ok" : "failed"}`,
            });
          }
          this.#notify({ type: "hook_finished", issueId: issue.id, identifier: issue.identifier, ...report });
        },
        onWorkspace: (path) => {
          entry.workspacePath = path;
        },
      });
    } catch (cause) {
      done = Promise.resolve({ outcome: "failed", reason: `failed to spawn agent: ${messageOf(cause)}` });
    }
    const settled = done
      .catch((cause): WorkerExit => ({ outcome: "failed", reason: `worker crashed: ${messageOf(cause)}` }))
      .then((exit) => this.#enqueue({ type: "exit", issueId: issue.id, runId, exit }));
    this.#workers.set(runId, settled);
    void settled.finally(() => this.#workers.delete(runId));
    this.#notify({ type: "snapshot_changed" });
  }

  #onAgentEvent(issueId: string, runId: string, event: AgentEvent): void {
    const entry = this.#state.running.get(issueId);
    if (entry === undefined || entry.runId !== runId) return;
    applyAgentEvent(entry, this.#state.totals, event, this.#deps.clock.now());
    if (event.type === "rate_limits") this.#state.rateLimits = event.rateLimits;
    this.#notify({ type: "agent_event", issueId, identifier: entry.issue.identifier, event });
    this.#notify({ type: "snapshot_changed" });
  }

  #onExit(issueId: string, runId: string, exit: WorkerExit): void {
    const entry = this.#state.running.get(issueId);
    if (entry === undefined || entry.runId !== runId) return;
    const { clock, logger } = this.#deps;
    this.#state.running.delete(issueId);
    this.#state.totals.secondsEnded += Math.max(clock.now() - entry.startedAt, 0) / 1000;
    if (exit.outcome === "normal") this.#state.totals.runsSucceeded += 1;
    else this.#state.totals.runsFailed += 1;
    const reason =
      exit.outcome === "normal" ? null : exit.outcome === "blocked" ? exit.question : exit.reason;
    const log = logger.child({ issue_id: issueId, issue_identifier: entry.issue.identifier, run_id: runId });
    log.info("worker exited", { outcome: exit.outcome, reason, turns: entry.turnCount });
    this.#notify({
      type: "run_ended",
      issueId,
      identifier: entry.issue.identifier,
      runId,
      outcome: exit.outcome,
      reason,
    });
    const blockedBy = exit.outcome === "blocked" ? exit : entry.input;
    const stop = entry.stop;
    if (stop !== null && stop.kind !== "stall") {
      // every exit path releases the claim unless the run is parked or retried
      this.#state.claimed.delete(issueId);
      if (stop.kind === "terminal") this.#cleanWorkspace(stop.issue, entry.workspacePath);
    } else if (exit.outcome === "blocked" || (stop?.kind === "stall" && blockedBy !== null)) {
      this.#state.blocked.set(issueId, {
        issue: entry.issue,
        kind: blockedBy?.kind ?? "user_input",
        question: blockedBy?.question ?? "",
        blockedAt: clock.now(),
        sessionId: entry.sessionId,
        workspacePath: entry.workspacePath,
      });
      log.warn("issue blocked waiting for a person", { question: blockedBy?.question ?? "" });
    } else if (stop?.kind === "stall") {
      this.#scheduleRetry(
        entry.issue,
        (entry.attempt ?? 0) + 1,
        "failure",
        describeStop(stop),
        entry.workspacePath,
      );
    } else if (exit.outcome === "normal") {
      this.#state.completed.add(issueId);
      this.#scheduleRetry(entry.issue, 1, "continuation", null, entry.workspacePath);
    } else {
      this.#scheduleRetry(
        entry.issue,
        (entry.attempt ?? 0) + 1,
        "failure",
        `worker exited: ${reason}`,
        entry.workspacePath,
      );
    }
    this.#notify({ type: "snapshot_changed" });
  }

  // ---- retries ------------------------------------------------------------------------------

  #cancelRetry(issueId: string): void {
    const existing = this.#state.retries.get(issueId);
    if (existing === undefined) return;
    this.#deps.clock.clearTimer(existing.timer);
    this.#state.retries.delete(issueId);
  }

  #scheduleRetry(
    issue: Pick<Issue, "id" | "identifier" | "url">,
    attempt: number,
    kind: "continuation" | "failure",
    error: string | null,
    workspacePath: string | null,
  ): void {
    if (this.#stopped) {
      this.#state.claimed.delete(issue.id);
      return;
    }
    this.#cancelRetry(issue.id);
    const config = this.#deps.workflow.current().config;
    const delay =
      kind === "continuation"
        ? CONTINUATION_DELAY_MS
        : failureDelayMs(attempt, config.agent.maxRetryBackoffMs);
    this.#retryToken += 1;
    const token = this.#retryToken;
    const timer = this.#deps.clock.setTimer(delay, () =>
      this.#enqueue({ type: "retry", issueId: issue.id, token }),
    );
    this.#state.claimed.add(issue.id);
    this.#state.retries.set(issue.id, {
      issueId: issue.id,
      identifier: issue.identifier,
      url: issue.url,
      attempt,
      dueAt: this.#deps.clock.now() + delay,
      kind,
      error,
      workspacePath,
      token,
      timer,
    });
    this.#deps.logger.info("retry scheduled", {
      issue_id: issue.id,
      issue_identifier: issue.identifier,
      attempt,
      kind,
      delay_ms: delay,
      error,
    });
  }

  async #onRetry(issueId: string, token: number): Promise<void> {
    const retry = this.#state.retries.get(issueId);
    if (retry === undefined || retry.token !== token || this.#stopped) return; // stale timer
    this.#state.retries.delete(issueId);
    const log = this.#deps.logger.child({ issue_id: issueId, issue_identifier: retry.identifier });
    const refreshed = await this.#deps.tracker().fetchIssuesByIds([issueId], AbortSignal.timeout(60_000));
    if (this.#stopped) return;
    const ref = { id: issueId, identifier: retry.identifier, url: retry.url };
    if (!refreshed.ok) {
      this.#scheduleRetry(
        ref,
        retry.attempt + 1,
        "failure",
        `retry refresh failed: ${refreshed.error.message}`,
        retry.workspacePath,
      );
      return;
    }
    const issue = refreshed.value.find((i) => i.id === issueId);
    const config = this.#deps.workflow.current().config;
    const sets = stateSets(config.tracker);
    if (issue === undefined) {
      this.#state.claimed.delete(issueId);
      log.info("claim released: issue no longer visible");
      return;
    }
    if (isTerminal(issue, sets)) {
      this.#state.claimed.delete(issueId);
      log.info("claim released: issue terminal", { state: issue.state });
      this.#cleanWorkspace(issue, retry.workspacePath);
      return;
    }
    const refusal = candidateRefusal(issue, sets);
    if (refusal !== null) {
      this.#state.claimed.delete(issueId);
      log.info("claim released: issue no longer a candidate", { reason: refusal.kind, state: issue.state });
      this.#notify({ type: "snapshot_changed" });
      return;
    }
    const slot = slotsFor(this.#state, config.agent).refusal(issue.state);
    if (slot !== null) {
      this.#scheduleRetry(
        issue,
        retry.attempt + 1,
        "failure",
        "no available orchestrator slots",
        retry.workspacePath,
      );
      return;
    }
    this.#dispatch(issue, retry.attempt);
  }

  // ---- observers ----------------------------------------------------------------------------

  #notify(event: ObserverEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (cause) {
        this.#deps.logger.warn("observer failed", { error: messageOf(cause) });
      }
    }
  }

  #safeTrackerRateLimits(): Readonly<Record<string, unknown>> | null {
    try {
      return this.#deps.tracker().rateLimits();
    } catch {
      return null;
    }
  }
}
