import { configForIssue } from "../config/profiles.js";
import type { ServiceConfig } from "../config/types.js";
import type { AgentEvent } from "../domain/agent-event.js";
import type { AgentError } from "../domain/errors.js";
import { messageOf } from "../domain/errors.js";
import type { Issue } from "../domain/issue.js";
import type { Logger } from "../domain/logger.js";
import { err, ok, type Result } from "../domain/result.js";
import { agentRunError, trackerRunError, workspaceRunError } from "../domain/run-error.js";
import type { Host } from "../hosts/host.js";
import type { HostResolver } from "../hosts/host-resolver.js";
import { isActive, isRoutable, stateSets } from "../orchestrator/eligibility.js";
import type { WorkerExit, WorkerLauncher, WorkerRequest } from "../orchestrator/worker.js";
import { bindTools, type TrackerAdapter } from "../tracker/adapter.js";
import { type Clock, clockTimeout, systemClock } from "../util/clock.js";
import type { WorkspaceCall, WorkspaceManager } from "../workspace/manager.js";
import type { AgentBackend, AgentSession } from "./backend.js";
import { sessionLogger } from "./session-logger.js";

/** What the runner is composed from. */
export interface RunnerDeps {
  /** Resolves the host the orchestrator assigned to a run (`request.host`). */
  readonly hosts: HostResolver;
  readonly workspaces: WorkspaceManager;
  readonly tracker: () => TrackerAdapter;
  /** The backend for a config snapshot (by `agent.backend`). */
  readonly backendFor: (config: ServiceConfig) => Result<AgentBackend, AgentError>;
  /**
   * Child environment for the agent of one issue on one host (allow-listed, tracker secrets removed), under
   * the config the issue runs with (its profile's backend decides the passthrough names).
   */
  readonly agentEnv: (
    issue: Issue,
    workspacePath: string,
    host: Host,
    config: ServiceConfig,
  ) => Readonly<Record<string, string>>;
  readonly logger: Logger;
  /** Drives the turn timeout (tests pass a manual clock); the system clock when absent. */
  readonly clock?: Clock;
}

/** Guidance sent on continuation turns instead of the full prompt (already in the thread). */
export function continuationGuidance(issue: Issue, turn: number, maxTurns: number): string {
  return [
    `Continuation: turn ${turn} of at most ${maxTurns} for ${issue.identifier}.`,
    `The previous turn ended, but the issue is still in the active state "${issue.state}".`,
    "Carry on from the current state of this workspace; the original task is earlier in this conversation,",
    "so do not repeat it back. Keep working until the issue can leave the active states,",
    "and only stop early if you are genuinely blocked.",
  ].join("\n");
}

/** The first turn of an attempt resumed with a person's answer (the conversation already holds the task). */
export function answerTurn(question: string, answer: string, author: string | null): string {
  return [
    `You asked: ${question}`,
    `${author === null ? "The answer" : `${author} answered`} (from the issue's comments):`,
    "",
    answer,
    "",
    "Carry on with the task using this answer.",
  ].join("\n");
}

/**
 * Runs one worker attempt (spec 16.5): workspace → before_run → session → turn loop with a tracker
 * re-check between turns → after_run. Written once against `AgentBackend`.
 */
export function createWorkerLauncher(deps: RunnerDeps): WorkerLauncher {
  return (request) => runAttempt(deps, request);
}

async function runAttempt(deps: RunnerDeps, request: WorkerRequest): Promise<WorkerExit> {
  const { signal } = request;
  const issue = request.issue;
  // every line of the agent session (runner and backend alike) carries the current session_id
  let sessionId: string | null = null;
  const log = sessionLogger(
    deps.logger.child({
      issue_id: issue.id,
      issue_identifier: issue.identifier,
      run_id: request.runId,
      host: request.host,
    }),
    () => sessionId,
  );
  const onEvent = (event: AgentEvent): void => {
    if (event.type === "session_started") sessionId = event.sessionId;
    request.onEvent(event);
  };
  // every step of the attempt (workspace, hooks, agent) runs on the one host assigned at dispatch
  const host = deps.hosts(request.host);
  const call: WorkspaceCall = { issue, signal, host: request.host, onHook: request.onHook };
  const cancelled = (): WorkerExit => cancelledExit(signal);

  const workspace = await deps.workspaces.prepare(call);
  if (!workspace.ok) {
    if (signal.aborted) return cancelled();
    log.error("workspace preparation failed", { kind: workspace.error.kind });
    const error = workspaceRunError(workspace.error);
    // nothing ran on an unreachable host, so the retry may go to another one (spec A.2)
    if (workspace.error.kind === "host_unreachable")
      return { outcome: "failed", error, hostUnreachable: true };
    return { outcome: "failed", error };
  }
  const path = workspace.value.path;
  request.onWorkspace(path);

  const beforeRun = await deps.workspaces.runHook("before_run", path, call);
  if (!beforeRun.ok) {
    if (signal.aborted) return cancelled();
    return { outcome: "failed", error: workspaceRunError(beforeRun.error) };
  }

  let exit: WorkerExit;
  const started = await startAgent(deps, { ...request, onEvent }, host, path, log);
  if (!started.ok) {
    exit = started.error;
  } else {
    try {
      exit = await turnLoop(deps.tracker(), started.value, request, log, deps.clock ?? systemClock);
    } catch (cause) {
      exit = signal.aborted
        ? cancelled()
        : {
            outcome: "failed",
            error: { code: "worker_error", message: messageOf(cause), retryable: true, cause },
          };
    } finally {
      await started.value.stop().catch(() => {});
    }
  }
  // after_run always runs once the workspace is ready; its failure is logged and ignored
  await deps.workspaces.runHook("after_run", path, {
    issue,
    signal: request.cleanupSignal,
    host: request.host,
    onHook: request.onHook,
  });
  return exit;
}

function cancelledExit(signal: AbortSignal): WorkerExit {
  return { outcome: "cancelled", reason: String(signal.reason ?? "aborted") };
}

/**
 * Stop reasons meaning the issue left the active states (reconciliation: terminal, another state, no
 * longer routed here, gone). A run stopped for one of them right after a turn finished did its work:
 * typically the agent moved the issue itself and the poll saw it before the runner did.
 */
const LEFT_ACTIVE_STATES: ReadonlySet<string> = new Set(["terminal", "inactive", "unroutable", "missing"]);

/** The exit of a run whose turn `turn` had finished when the stop came. */
function afterFinishedTurn(signal: AbortSignal, turn: number): WorkerExit {
  return LEFT_ACTIVE_STATES.has(String(signal.reason))
    ? { outcome: "completed", turns: turn }
    : cancelledExit(signal);
}

/** Builds the backend and opens a session in the workspace; a failure is the attempt's exit. */
async function startAgent(
  deps: RunnerDeps,
  request: WorkerRequest,
  host: Host,
  path: string,
  log: Logger,
): Promise<Result<AgentSession, WorkerExit>> {
  const issue = request.issue;
  // a profile (by label or state) may pick another backend and settings for this issue
  const { config } = configForIssue(request.workflow.config, issue);
  const backend = deps.backendFor(config);
  if (!backend.ok) {
    return err({ outcome: "failed", error: agentRunError(backend.error) });
  }
  const started = await backend.value.startSession({
    host,
    workspacePath: path,
    issue,
    tools: bindTools(deps.tracker()),
    env: deps.agentEnv(issue, path, host, config),
    onEvent: (event) => {
      try {
        request.onEvent(event);
      } catch (cause) {
        log.warn("event observer failed", { error: messageOf(cause) });
      }
    },
    signal: request.signal,
    logger: log,
    resumeThreadId: request.resume?.threadId ?? null,
  });
  if (request.signal.aborted) {
    if (started.ok) await started.value.stop().catch(() => {});
    return err(cancelledExit(request.signal));
  }
  if (!started.ok) {
    return err({ outcome: "failed", error: agentRunError(started.error) });
  }
  return ok(started.value);
}

/**
 * Spec 16.5 turn loop: full prompt first, continuation guidance after, tracker re-check between turns.
 * Each turn gets one signal, the run's cancellation or `agent.turn_timeout_ms` of wall clock, whichever
 * comes first; backends end the turn on it and keep no turn timer of their own.
 */
async function turnLoop(
  tracker: TrackerAdapter,
  session: AgentSession,
  request: WorkerRequest,
  log: Logger,
  clock: Clock,
): Promise<WorkerExit> {
  const { signal, workflow } = request;
  const sets = stateSets(workflow.config.tracker);
  const { maxTurns, turnTimeoutMs } = workflow.config.agent;
  let issue = request.issue;
  for (let turn = 1; ; turn += 1) {
    let prompt: string;
    if (turn === 1) {
      const rendered = workflow.render(issue, request.attempt);
      if (!rendered.ok) {
        const error = { code: "prompt_error", message: rendered.error.message, retryable: false };
        return { outcome: "failed", error };
      }
      prompt = rendered.value;
      const resume = request.resume;
      if (resume != null) {
        const reply = answerTurn(resume.question, resume.answer, resume.author);
        // a resumed conversation already has the task; a new one gets it again with the answer after it
        prompt = session.resumed === true ? reply : `${prompt}\n\n---\n\n${reply}`;
        log.info("resuming with an answer from the tracker", { resumed_session: session.resumed === true });
      }
    } else {
      prompt = continuationGuidance(issue, turn, maxTurns);
    }
    log.info("turn started", { turn, max_turns: maxTurns });
    const timeout = clockTimeout(clock, turnTimeoutMs);
    const turnSignal = AbortSignal.any([signal, timeout.signal]);
    let result: Awaited<ReturnType<AgentSession["runTurn"]>>;
    try {
      result = await session.runTurn(prompt, { issue, turn, maxTurns, signal: turnSignal });
    } finally {
      timeout.clear();
    }
    if (signal.aborted) return result.ok ? afterFinishedTurn(signal, turn) : cancelledExit(signal);
    if (!result.ok) {
      const e = result.error;
      if (e.category === "input_required" || e.category === "approval_required") {
        const kind = e.category === "approval_required" ? "approval" : "user_input";
        return { outcome: "blocked", kind, question: e.question ?? e.message };
      }
      if (e.category === "turn_timeout") {
        log.warn("turn timed out", { turn, turn_timeout_ms: turnTimeoutMs });
        return { outcome: "timed_out", error: agentRunError(e) };
      }
      return { outcome: "failed", error: agentRunError(e) };
    }
    log.info("turn completed", { turn });
    const refreshed = await tracker.fetchIssuesByIds([issue.id], signal);
    if (signal.aborted) return afterFinishedTurn(signal, turn);
    if (!refreshed.ok) {
      return { outcome: "failed", error: trackerRunError(refreshed.error) };
    }
    const next = refreshed.value.find((i) => i.id === issue.id);
    if (next === undefined) return { outcome: "completed", turns: turn };
    issue = next;
    if (!isActive(issue, sets) || !isRoutable(issue, sets)) {
      log.info("issue left active states; ending attempt", { state: issue.state });
      return { outcome: "completed", turns: turn };
    }
    if (turn >= maxTurns) {
      log.info("max turns reached", { max_turns: maxTurns });
      return { outcome: "completed", turns: turn };
    }
  }
}
