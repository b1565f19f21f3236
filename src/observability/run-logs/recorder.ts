import type { AgentEvent } from "../../domain/agent-event.js";
import { type Logger, silentLogger } from "../../domain/logger.js";
import type { ObserverEvent, StatusSource } from "../../domain/snapshot.js";
import { type Clock, systemClock } from "../../util/clock.js";
import { summariseAgentEvent } from "../format.js";
import type { RunLogFiles } from "../http/api-shapes.js";
import { CappedFile } from "./capped-file.js";
import { runLogFiles } from "./paths.js";

/** Options for {@link startRunLogRecorder}. */
export interface RunLogRecorderOptions {
  readonly source: StatusSource;
  readonly logsRoot: string;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Cap of each `<runId>.log`. Default 10 MiB. */
  readonly maxLogBytes?: number;
  /** Cap of each `<runId>.events.jsonl`. Default 50 MiB. */
  readonly maxEventsBytes?: number;
}

/** The per-issue run log writer. */
export interface RunLogRecorder {
  /** The newest run's files for an identifier (running or finished), or null. */
  lookup(identifier: string): RunLogFiles | null;
  /** Closes every open file and unsubscribes. */
  close(): Promise<void>;
}

type RunUsage = NonNullable<Extract<ObserverEvent, { type: "run_ended" }>["usage"]>;

interface OpenRun {
  readonly identifier: string;
  readonly runId: string;
  readonly log: CappedFile;
  readonly events: CappedFile;
}

const KEEP_FINISHED = 1000;

/**
 * Writes one log per issue run, `<logsRoot>/<identifier>/<runId>.log` (timestamped one-line agent
 * events, agent output and hook results), and `<runId>.events.jsonl` (every AgentEvent as received,
 * one JSON object a line — the record a replay reads). Both are size-capped. A failing disk is
 * reported once through the logger and never reaches the orchestrator.
 */
export function startRunLogRecorder(options: RunLogRecorderOptions): RunLogRecorder {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const maxLog = options.maxLogBytes ?? 10 * 1024 * 1024;
  const maxEvents = options.maxEventsBytes ?? 50 * 1024 * 1024;
  const open = new Map<string, OpenRun>(); // by issueId
  const latest = new Map<string, RunLogFiles>(); // by identifier, insertion-ordered for trimming
  const closing = new Set<Promise<void>>();

  const onError = (path: string) => (error: Error) =>
    logger.warn("run log sink failed", { path, error: error.message });

  const begin = (issueId: string, identifier: string, runId: string, attempt: number | null): OpenRun => {
    const current = open.get(issueId);
    if (current !== undefined) {
      if (current.runId === runId) return current;
      end(issueId, "superseded", null);
    }
    const files = runLogFiles(options.logsRoot, identifier, runId);
    const run: OpenRun = {
      identifier,
      runId,
      log: new CappedFile(files.log, maxLog, onError(files.log)),
      events: new CappedFile(files.events, maxEvents, onError(files.events)),
    };
    open.set(issueId, run);
    latest.delete(identifier);
    latest.set(identifier, files);
    if (latest.size > KEEP_FINISHED) {
      const oldest = latest.keys().next().value;
      if (oldest !== undefined) latest.delete(oldest);
    }
    line(
      run,
      "run",
      `started run_id=${runId} issue_id=${issueId} issue_identifier=${identifier} attempt=${attempt ?? "first"}`,
    );
    return run;
  };

  const end = (issueId: string, outcome: string, reason: string | null, usage?: RunUsage): void => {
    const run = open.get(issueId);
    if (run === undefined) return;
    open.delete(issueId);
    const used =
      usage === undefined
        ? ""
        : ` turns=${usage.turns} tokens=${usage.totalTokens} cost_usd=${usage.costUsd === null ? "unknown" : usage.costUsd.toFixed(4)}`;
    line(run, "run", `ended outcome=${outcome}${reason === null ? "" : ` reason=${reason}`}${used}`);
    const done = Promise.all([run.log.close(), run.events.close()]).then(() => {
      closing.delete(done);
    });
    closing.add(done);
  };

  const line = (run: OpenRun, kind: string, text: string): void => {
    run.log.write(`${new Date(clock.now()).toISOString()} [${kind}] ${text}\n`);
  };

  // An agent event for an issue without a run_started (e.g. observability started mid-run):
  // find its run id in the snapshot.
  const runFor = (issueId: string, identifier: string): OpenRun | null => {
    const current = open.get(issueId);
    if (current !== undefined) return current;
    const row = options.source.snapshot().running.find((r) => r.issueId === issueId);
    return row === undefined ? null : begin(issueId, identifier, row.runId, row.attempt);
  };

  const onAgentEvent = (issueId: string, identifier: string, event: AgentEvent): void => {
    const run = runFor(issueId, identifier);
    if (run === null) return;
    line(run, event.type === "output" ? event.stream : event.type, summariseAgentEvent(event));
    run.events.write(
      `${JSON.stringify({ received_at: new Date(clock.now()).toISOString(), issue_id: issueId, issue_identifier: identifier, run_id: run.runId, event })}\n`,
    );
  };

  const listener = (event: ObserverEvent): void => {
    try {
      switch (event.type) {
        case "agent_event":
          onAgentEvent(event.issueId, event.identifier, event.event);
          break;
        case "run_started":
          begin(event.issueId, event.identifier, event.runId, event.attempt);
          break;
        case "hook_finished": {
          const run = runFor(event.issueId, event.identifier);
          if (run === null) break;
          const status = event.timedOut
            ? "timed out"
            : event.ok
              ? "ok"
              : `failed exit_code=${event.exitCode ?? "none"}`;
          line(run, "hook", `${event.hook} ${status} duration_ms=${event.durationMs}`);
          if (event.output !== null) {
            for (const out of event.output.split("\n")) if (out !== "") line(run, `hook ${event.hook}`, out);
          }
          break;
        }
        case "run_ended":
          if (open.get(event.issueId)?.runId === event.runId)
            end(event.issueId, event.outcome, event.reason, event.usage);
          break;
        case "snapshot_changed":
          break;
        default: {
          const _exhaustive: never = event;
          void _exhaustive;
        }
      }
    } catch (error) {
      // observers cannot hurt the core
      logger.warn("run log recorder failed", {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };
  const unsubscribe = options.source.subscribe(listener);

  return {
    lookup: (identifier) => latest.get(identifier) ?? null,
    async close() {
      unsubscribe();
      for (const issueId of [...open.keys()]) end(issueId, "cancelled", "shutdown");
      await Promise.all([...closing]);
    },
  };
}
