import { chooseProfile } from "../config/profiles.js";
import type { AgentEvent } from "../domain/agent-event.js";
import { messageOf } from "../domain/errors.js";
import type { Issue } from "../domain/issue.js";
import type { LimitTrip } from "../domain/limit-trip.js";
import { describeRunError, type RunError } from "../domain/run-error.js";
import type { RestoredState } from "../domain/run-record.js";
import type { ObserverEvent, OrchestratorSnapshot, StatusSource } from "../domain/snapshot.js";
import type { TimerHandle } from "../util/clock.js";
import { workspaceKey } from "../workspace/key.js";
import { adoptRecorded } from "./adopt.js";
import { askInTracker, collectAnswers } from "./answers.js";
import { agentScope, countTrackerFetch, holdForCircuit, trackerScope } from "./circuits.js";
import type { OrchestratorDeps } from "./deps.js";
import { applyAgentEvent, logAgentEvent } from "./events.js";
import { accountExit, blockOnQuestion } from "./exit-accounting.js";
import { configuredHosts, type HostPreference } from "./host-slots.js";
import { WorkspaceJanitor } from "./janitor.js";
import { ObserverHub } from "./observers.js";
import { type ParkedPlace, parkIssue, releaseParked } from "./parking.js";
import { describeStop } from "./reconcile.js";
import { attemptUpdate, schedulingView } from "./records.js";
import { RetryQueue } from "./retry-queue.js";
import { launchWorker } from "./run-launch.js";
import { newRunningEntry } from "./running-entry.js";
import { SerialQueue } from "./serial-queue.js";
import { awaitShutdown } from "./shutdown.js";
import { buildSnapshot } from "./snapshot.js";
import { countSpend } from "./spend-hooks.js";
import {
  emptyState,
  type OrchestratorState,
  type ResumeWith,
  type RunningEntry,
  type StopReason,
} from "./state.js";
import { runRetry, runTick, type TickContext } from "./tick.js";
import type { WorkerExit } from "./worker.js";
import { WorkspaceGcSchedule } from "./workspace-gc.js";

type Message =
  | { readonly type: "tick" }
  | { readonly type: "retry"; readonly issueId: string; readonly token: number }
  | {
      readonly type: "exit";
      readonly issueId: string;
      readonly runId: string;
      readonly exit: WorkerExit;
      /** Whether the run changed its workspace (null = unknown), for no-progress detection. */
      readonly workspaceChanged: boolean | null;
    };

/**
 * The single owner of scheduling state (spec 7, 8, 16). Ticks, retry timers, refreshes and worker
 * exits are queued and handled one at a time; agent events only touch their own running entry.
 */
export class Orchestrator implements StatusSource {
  readonly #deps: OrchestratorDeps;
  readonly #state: OrchestratorState = emptyState();
  readonly #observers: ObserverHub;
  readonly #queue: SerialQueue<Message>;
  readonly #retries: RetryQueue;
  readonly #janitor: WorkspaceJanitor;
  readonly #gc: WorkspaceGcSchedule;
  readonly #workers = new Map<string, Promise<void>>();
  readonly #cleanupController = new AbortController();
  readonly #stopController = new AbortController();
  #tickTimer: TimerHandle | null = null;
  #tickQueued = false;
  #ticking = false;
  #stopped = false;
  #started = false;
  #runSeq = 0;

  constructor(deps: OrchestratorDeps) {
    this.#deps = deps;
    this.#observers = new ObserverHub(deps.logger);
    this.#queue = new SerialQueue<Message>(
      (message) => this.#handle(message),
      (message, cause) =>
        deps.logger.error("orchestrator message failed", { message: message.type, error: messageOf(cause) }),
    );
    this.#retries = new RetryQueue(this.#state.retries, deps.clock, (issueId, token) =>
      this.#enqueue({ type: "retry", issueId, token }),
    );
    const hosts = () => configuredHosts(deps.workflow.current().config.worker).configured;
    const cleanup = this.#cleanupController.signal;
    this.#janitor = new WorkspaceJanitor(deps.workspaces, deps.logger, cleanup, hosts);
    this.#gc = new WorkspaceGcSchedule(this.#janitor, deps.logger);
  }

  /** Startup terminal cleanup (spec 8.6), then an immediate first tick. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    const journal = this.#deps.journal;
    if (journal !== undefined) this.#adopt(await journal.open(() => schedulingView(this.#state)));
    await this.#janitor.startupCleanup(this.#deps.tracker(), this.#deps.workflow.current().config);
    if (!this.#stopped) this.#enqueue({ type: "tick" });
  }

  /** Stops scheduling, aborts every run and waits for workers (and their `after_run`) to finish. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#tickTimer !== null) this.#deps.clock.clearTimer(this.#tickTimer);
    this.#tickTimer = null;
    this.#retries.clear();
    this.#stopController.abort("shutdown");
    for (const entry of this.#state.running.values()) this.#stopRun(entry, { kind: "shutdown" });
    await awaitShutdown(
      async () => {
        await Promise.allSettled([...this.#workers.values()]);
        await this.idle();
        await this.#janitor.settled();
        this.#deps.journal?.changed();
        await this.#deps.journal?.close();
      },
      {
        clock: this.#deps.clock,
        logger: this.#deps.logger,
        graceMs: this.#deps.shutdownGraceMs ?? 5000,
        onGrace: () => this.#cleanupController.abort(),
      },
    );
    this.#deps.logger.info("orchestrator stopped");
    this.#notify({ type: "snapshot_changed" });
  }

  /** Resolves once no queued message is left to process. */
  idle(): Promise<void> {
    return this.#queue.idle();
  }

  /** {@inheritDoc StatusSource.snapshot} */
  snapshot(): OrchestratorSnapshot {
    return buildSnapshot(this.#state, {
      now: this.#deps.clock.now(),
      config: this.#deps.workflow.current().config,
      trackerRateLimits: this.#safeTrackerRateLimits(),
      circuits: this.#deps.breakers?.views(this.#deps.clock.now()) ?? [],
      durable: this.#deps.journal?.durable() ?? null,
      spend: this.#deps.spend?.view(this.#deps.clock.now()) ?? null,
    });
  }

  /** {@inheritDoc StatusSource.subscribe} */
  subscribe(listener: (event: ObserverEvent) => void): () => void {
    return this.#observers.subscribe(listener);
  }

  /** {@inheritDoc StatusSource.requestRefresh} */
  requestRefresh(): { readonly coalesced: boolean; readonly stopping?: boolean } {
    if (this.#stopped) return { coalesced: false, stopping: true };
    if (this.#tickQueued || this.#ticking) return { coalesced: true };
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
  }

  async #handle(message: Message): Promise<void> {
    try {
      await this.#process(message);
    } finally {
      // every handled message may have changed retries, blocked issues or claims
      this.#deps.journal?.changed();
    }
  }

  async #process(message: Message): Promise<void> {
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
        return this.#onExit(message.issueId, message.runId, message.exit, message.workspaceChanged);
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
    const { clock } = this.#deps;
    this.#state.checking = true;
    this.#state.lastTickAt = clock.now();
    this.#notify({ type: "snapshot_changed" });
    const spend = this.#deps.spend;
    if (spend !== undefined) releaseParked(this.#state, spend, clock.now(), this.#deps.logger);
    const breakers = this.#deps.breakers;
    const trackerCircuit = trackerScope(this.#deps.workflow.current().config);
    if (breakers !== undefined && !breakers.allow(trackerCircuit, clock.now())) {
      this.#state.lastError = `${trackerCircuit} circuit open after repeated failures; polling paused`;
      this.#state.checking = false;
      this.#notify({ type: "snapshot_changed" });
      return;
    }
    try {
      await runTick(this.#context());
      await this.#resumeAnswered();
      this.#gc.maybeCollect(this.#state, this.#deps.workflow.current().config, clock.now());
    } finally {
      breakers?.settleProbe(trackerCircuit);
      this.#state.checking = false;
      this.#notify({ type: "snapshot_changed" });
    }
  }

  /** Issues waiting for a person whose question was answered in the tracker resume with the answer. */
  async #resumeAnswered(): Promise<void> {
    if (this.#state.blocked.size === 0) return;
    const tracker = this.#deps.tracker();
    const answered = await collectAnswers(
      this.#state,
      tracker,
      this.#stopController.signal,
      this.#deps.logger,
    );
    for (const { blocked, resume } of answered) {
      if (this.#stopped || this.#state.blocked.get(blocked.issue.id) !== blocked) continue;
      this.#state.blocked.delete(blocked.issue.id);
      this.#dispatch(blocked.issue, null, blocked.host, blocked.workspacePath, resume);
    }
  }

  #stopRun(entry: RunningEntry, reason: StopReason): void {
    if (entry.stop !== null) return;
    entry.stop = reason;
    this.#deps.logger.info("stopping run", {
      issue_id: entry.issue.id,
      issue_identifier: entry.issue.identifier,
      reason: describeStop(reason),
      session_id: entry.sessionId ?? undefined,
    });
    entry.controller.abort(reason.kind);
  }

  // ---- dispatch and workers -----------------------------------------------------------------

  #dispatch(
    issue: Issue,
    attempt: number | null,
    host: string,
    workspacePath: string | null = null,
    resume: ResumeWith | null = null,
  ): void {
    const { clock, logger } = this.#deps;
    const trip = this.#deps.spend?.beforeDispatch(issue, clock.now()) ?? null;
    if (trip !== null) {
      this.#retries.cancel(issue.id);
      this.#park(issue, trip, { workspacePath, host, sessionId: null });
      return;
    }
    const workflow = this.#deps.workflow.current();
    // a profile may give this issue another backend: its circuit and records are that backend's
    const choice = chooseProfile(workflow.config, issue);
    const circuit = agentScope(choice.backend);
    if (this.#deps.breakers !== undefined && !this.#deps.breakers.allow(circuit, clock.now())) {
      const hold = {
        state: this.#state,
        breakers: this.#deps.breakers,
        now: clock.now(),
        scheduleRetry: this.#scheduleRetry.bind(this),
      };
      holdForCircuit(hold, issue, attempt, host, workspacePath, circuit);
      return;
    }
    this.#runSeq += 1;
    const runId = `${workspaceKey(issue.identifier)}.${clock.now().toString(36)}.${this.#runSeq}`;
    const entry = newRunningEntry({
      issue,
      runId,
      attempt,
      now: clock.now(),
      backend: choice.backend,
      profile: choice.profile,
      host,
      resume,
    });
    this.#retries.cancel(issue.id);
    this.#state.running.set(issue.id, entry);
    this.#state.claimed.add(issue.id);
    this.#state.totals.runsStarted += 1;
    this.#deps.journal?.attemptStarted(attemptUpdate(entry));
    logger.info("dispatching issue", {
      issue_id: issue.id,
      issue_identifier: issue.identifier,
      attempt,
      run_id: runId,
      state: issue.state,
      host,
      resumed: resume !== null,
    });
    this.#notify({ type: "run_started", issueId: issue.id, identifier: issue.identifier, runId, attempt });
    const settled = launchWorker(entry, {
      deps: this.#deps,
      workflow,
      cleanupSignal: this.#cleanupController.signal,
      onEvent: (event) => this.#onAgentEvent(issue.id, runId, event),
      notify: (event) => this.#notify(event),
      onExit: (exit, workspaceChanged) =>
        this.#enqueue({ type: "exit", issueId: issue.id, runId, exit, workspaceChanged }),
    });
    this.#workers.set(runId, settled);
    void settled.finally(() => this.#workers.delete(runId));
    this.#notify({ type: "snapshot_changed" });
  }

  #onAgentEvent(issueId: string, runId: string, event: AgentEvent): void {
    const entry = this.#state.running.get(issueId);
    if (entry === undefined || entry.runId !== runId) return;
    const before = { ...entry.tokens };
    const now = this.#deps.clock.now();
    applyAgentEvent(entry, this.#state.totals, event, now);
    const trip = countSpend(entry, event, before, now, this.#deps, this.#state.totals);
    if (trip !== null) this.#stopRun(entry, { kind: "limit", trip });
    const { identifier } = entry.issue;
    const sessionId = entry.sessionId ?? undefined;
    logAgentEvent(
      this.#deps.logger.child({ issue_id: issueId, issue_identifier: identifier, session_id: sessionId }),
      event,
    );
    if (event.type === "rate_limits") this.#state.rateLimits = event.rateLimits;
    this.#notify({ type: "agent_event", issueId, identifier: entry.issue.identifier, event });
    this.#notify({ type: "snapshot_changed" });
  }

  #onExit(issueId: string, runId: string, exit: WorkerExit, workspaceChanged: boolean | null): void {
    const entry = this.#state.running.get(issueId);
    if (entry === undefined || entry.runId !== runId) return;
    const { clock, logger } = this.#deps;
    this.#state.running.delete(issueId);
    const notify = (event: ObserverEvent) => this.#notify(event);
    const disposition = accountExit(this.#state, entry, exit, workspaceChanged, this.#deps, notify);
    switch (disposition.kind) {
      case "release":
        // every exit path releases the claim unless the run is parked or retried
        this.#state.claimed.delete(issueId);
        if (disposition.cleanup !== null) this.#clean(disposition.cleanup, entry.workspacePath, entry.host);
        break;
      case "parked":
        this.#park(entry.issue, disposition.trip, entry);
        break;
      case "blocked":
        askInTracker(
          blockOnQuestion(this.#state, entry, disposition, clock.now()),
          runId,
          this.#deps.tracker(),
          this.#stopController.signal,
          logger,
        );
        logger.warn("issue blocked waiting for a person", {
          issue_id: issueId,
          issue_identifier: entry.issue.identifier,
          run_id: runId,
          question: disposition.question,
        });
        break;
      case "retry":
        if (disposition.retryKind === "continuation") this.#state.completed.add(issueId);
        this.#scheduleRetry(
          entry.issue,
          disposition.attempt,
          disposition.retryKind,
          disposition.error,
          entry.workspacePath,
          disposition.placement,
        );
        break;
      default: {
        const never: never = disposition;
        throw new Error(`unknown disposition ${JSON.stringify(never)}`);
      }
    }
    this.#notify({ type: "snapshot_changed" });
  }

  /** Every workspace removal goes through the janitor; the finished record then stops pointing at it. */
  #clean(issue: Pick<Issue, "id" | "identifier">, path: string | null, host: string | null): void {
    this.#janitor.clean(issue, path, host);
    const finished = this.#state.finished.get(issue.id);
    if (finished !== undefined) this.#state.finished.set(issue.id, { ...finished, workspacePath: null });
  }

  // ---- retries ------------------------------------------------------------------------------

  #scheduleRetry(
    issue: Pick<Issue, "id" | "identifier" | "url">,
    attempt: number,
    kind: "continuation" | "failure",
    error: RunError | null,
    workspacePath: string | null,
    placement: HostPreference,
  ): void {
    if (this.#stopped) {
      this.#state.claimed.delete(issue.id);
      return;
    }
    const maxBackoffMs = this.#deps.workflow.current().config.agent.maxRetryBackoffMs;
    const request = { issue, attempt, kind, error, workspacePath, maxBackoffMs, placement };
    const entry = this.#retries.schedule(request);
    this.#state.claimed.add(issue.id);
    this.#deps.logger.info("retry scheduled", {
      issue_id: issue.id,
      issue_identifier: issue.identifier,
      attempt,
      kind,
      delay_ms: entry.dueAt - this.#deps.clock.now(),
      error: error === null ? null : describeRunError(error),
      error_code: error?.code ?? null,
      host: placement.preferred,
    });
  }

  async #onRetry(issueId: string, token: number): Promise<void> {
    if (this.#stopped) return;
    const retry = this.#retries.take(issueId, token);
    if (retry === undefined) return; // stale timer of a replaced entry
    await runRetry(this.#context(), retry);
    this.#notify({ type: "snapshot_changed" });
  }

  #adopt(restored: RestoredState): void {
    const maxBackoffMs = this.#deps.workflow.current().config.agent.maxRetryBackoffMs;
    const ctx = { state: this.#state, retries: this.#retries, logger: this.#deps.logger, maxBackoffMs };
    adoptRecorded(ctx, restored);
  }

  // ---- observers ----------------------------------------------------------------------------

  #context(): TickContext {
    return {
      state: this.#state,
      workflow: this.#deps.workflow,
      tracker: this.#deps.tracker(),
      clock: this.#deps.clock,
      logger: this.#deps.logger,
      preflight: this.#deps.preflight,
      signal: this.#stopController.signal,
      stopped: () => this.#stopped,
      onCandidateFetch: (error) => {
        const breakers = this.#deps.breakers;
        if (breakers === undefined) return;
        const scope = trackerScope(this.#deps.workflow.current().config);
        countTrackerFetch(breakers, scope, error, this.#deps.clock.now(), this.#deps.logger);
      },
      dispatch: (issue, attempt, host, workspacePath) => this.#dispatch(issue, attempt, host, workspacePath),
      claim: (claim) =>
        this.#deps.journal?.claim(claim) ?? Promise.resolve({ kind: "granted", adopted: null }),
      adopt: (restored) => this.#adopt(restored),
      unclaim: (issueId) => this.#deps.journal?.release(issueId),
      stopRun: (entry, reason) => this.#stopRun(entry, reason),
      cleanWorkspace: (issue, path, host) => this.#clean(issue, path, host),
      scheduleRetry: (issue, attempt, kind, error, path, placement) =>
        this.#scheduleRetry(issue, attempt, kind, error, path, placement),
    };
  }

  // ---- spend control -------------------------------------------------------------------------

  /** Parks an issue by a limit (see parking.ts); its retry, if any, is dropped. */
  #park(issue: Issue, trip: LimitTrip, place: ParkedPlace): void {
    this.#retries.cancel(issue.id);
    if (place.workspacePath !== null) {
      this.#janitor.rescue(issue, place.workspacePath, place.host, `a limit paused it (${trip.key})`);
    }
    parkIssue(this.#state, issue, trip, place, {
      now: this.#deps.clock.now(),
      logger: this.#deps.logger,
      tracker: this.#deps.tracker(),
      signal: this.#stopController.signal,
    });
  }

  #notify(event: ObserverEvent): void {
    this.#observers.notify(event);
  }

  #safeTrackerRateLimits(): Readonly<Record<string, unknown>> | null {
    try {
      return this.#deps.tracker().rateLimits();
    } catch {
      return null;
    }
  }
}
