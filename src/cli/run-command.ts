import { existsSync } from "node:fs";
import { basename } from "node:path";
import type { ServiceConfig } from "../config/types.js";
import { describeUnknownKey } from "../config/unknown-keys.js";
import { messageOf } from "../domain/errors.js";
import { err, ok, type Result } from "../domain/result.js";
import type { StatusSource } from "../domain/snapshot.js";
import {
  createLogRouter,
  createMetrics,
  type Observability,
  type SymphonyMetrics,
  type WebhookVerifier,
} from "../observability/index.js";

import { createLogger, type LogFormat, Redactor, type ServiceLogger } from "../observability/log/index.js";
import { startOrchestratorService } from "../service.js";
import { type Clock, systemClock } from "../util/clock.js";
import { maskUrlCredentials } from "../util/url-credentials.js";
import { type FileWorkflowSource, openWorkflowSource } from "../workflow/file-source.js";
import type { LoadedWorkflow } from "../workflow/types.js";
import { formatWorkflowError, summariseErrors } from "../workflow/workflow-errors.js";
import type { CliIo } from "./io.js";
import { startStatusSurfaces } from "./status-surfaces.js";

/** Options of `symphony [path]` after parsing. */
export interface RunOptions {
  readonly workflowPath: string;
  /** `--port`: overrides `server.port` (and enables the HTTP server). */
  readonly port?: number;
  readonly logsRoot?: string;
  /** `--data-dir`: directory of the embedded store file. */
  readonly dataDir?: string;
  readonly logFormat: LogFormat;
  readonly debug: boolean;
  /** False with `--no-tui` (the terminal dashboard also needs a TTY stdout and no CI). */
  readonly tui?: boolean;
}

/** Everything the running service is built from. */
export interface ServiceContext {
  readonly options: RunOptions;
  /** The live workflow: `current()` is the last good one; `revalidate()` before each dispatch. */
  readonly source: FileWorkflowSource;
  readonly logger: ServiceLogger;
  readonly clock: Clock;
  /** Prometheus metrics shared by the tracker (`instrumentTracker`) and the HTTP server's `/metrics`. */
  readonly metrics: SymphonyMetrics;
  /** `--port` if given, else `server.port` from the current config. */
  serverPort(config: ServiceConfig): number | null;
  /** The one redactor of this process (logs, status surfaces, tracker writes); follows reloads. */
  readonly redactor: Redactor;
  /** The environment children are built from (the process environment; tests pass their own). */
  readonly env: NodeJS.ProcessEnv;
}

/** A started service. `exited` settles if the service stops on its own (non-zero = abnormal). */
export interface RunningService {
  stop(reason: string): Promise<void>;
  /** The orchestrator's status view; when present the terminal dashboard, HTTP API and run logs start. */
  readonly status?: StatusSource;
  readonly exited?: Promise<number>;
  /** Verifies tracker webhooks for the HTTP server; absent → the webhook route is disabled. */
  readonly verifyWebhook?: WebhookVerifier;
}

/** Starts the service once the workflow is loaded and validated. */
export type ServiceStarter = (ctx: ServiceContext) => Promise<Result<RunningService, string>>;

/**
 * THE SERVICE START STEP. Until the orchestrator lands there is nothing to start: the workflow is loaded,
 * validated and watched, and the process idles until SIGINT/SIGTERM. The orchestrator replaces this
 * function (build tracker + backend + orchestrator from `ctx.source`, start it, return its handle).
 */
export const startService: ServiceStarter = async (ctx) => {
  const started = await startOrchestratorService({
    source: ctx.source,
    logger: ctx.logger,
    clock: ctx.clock,
    env: ctx.env,
    wrapTracker: (adapter) => ctx.metrics.instrumentTracker(adapter),
    dataDir: ctx.options.dataDir ?? null,
    logsRoot: ctx.options.logsRoot ?? null,
    redactor: ctx.redactor,
  });
  if (!started.ok) return started;
  return ok({
    status: started.value.status,
    verifyWebhook: started.value.verifyWebhook,
    stop: () => started.value.stop(),
  });
};

/** Extra seams for tests: a different starter, and a signal standing in for SIGINT/SIGTERM. */
export interface RunDeps {
  readonly start?: ServiceStarter;
  readonly shutdown?: AbortSignal;
  readonly clock?: Clock;
}

type Outcome = { kind: "signal"; name: string } | { kind: "exited"; code: number };

/** Listens for SIGINT/SIGTERM (and the test signal) from the very start, so no signal is missed. */
function shutdownWaiter(signal: AbortSignal | undefined) {
  const handlers: Array<[NodeJS.Signals, () => void]> = [];
  let settle: (outcome: Outcome) => void = () => {};
  const done = new Promise<Outcome>((resolve) => {
    settle = resolve;
  });
  for (const name of ["SIGINT", "SIGTERM"] as const) {
    const handler = () => settle({ kind: "signal", name });
    handlers.push([name, handler]);
    process.on(name, handler);
  }
  const onAbort = () => settle({ kind: "signal", name: "abort" });
  if (signal?.aborted === true) onAbort();
  signal?.addEventListener("abort", onAbort, { once: true });
  return {
    done,
    watch: (exited: Promise<number> | undefined) => {
      exited?.then((code) => settle({ kind: "exited", code }));
    },
    release: () => {
      for (const [name, handler] of handlers) process.off(name, handler);
      signal?.removeEventListener("abort", onAbort);
    },
  };
}

/** One warning per front-matter key no schema reads (a typo is ignored, not fatal: spec 5.3 forward compatibility). */
function warnUnknownKeys(workflow: LoadedWorkflow, logger: ServiceLogger): void {
  for (const unknown of workflow.unknownKeys) {
    logger.warn("unknown workflow key ignored", {
      workflow: workflow.config.workflowPath,
      key: unknown.key,
      line: unknown.line ?? null,
      detail: describeUnknownKey(unknown),
    });
  }
}

/** `symphony [path]`: load + validate + watch the workflow, start the service, run until a signal. */
export async function runCommand(options: RunOptions, io: CliIo, deps: RunDeps = {}): Promise<number> {
  const clock = deps.clock ?? systemClock;
  const waiter = shutdownWaiter(deps.shutdown);
  try {
    return await runUntilShutdown(options, io, deps, clock, waiter);
  } finally {
    waiter.release();
  }
}

async function runUntilShutdown(
  options: RunOptions,
  io: CliIo,
  deps: RunDeps,
  clock: Clock,
  waiter: ReturnType<typeof shutdownWaiter>,
): Promise<number> {
  // the terminal dashboard takes over console log lines while it is drawn
  const logRouter = createLogRouter(io.stderr);
  // one redactor for every way text leaves this process; its secrets follow each workflow reload
  const redactor = new Redactor();
  const logger = createLogger({
    redactor,
    format: options.logFormat,
    level: options.debug ? "debug" : "info",
    stderr: logRouter.stream,
    ...(options.logsRoot !== undefined ? { logsRoot: options.logsRoot } : {}),
    clock,
  });
  const opened = openWorkflowSource(options.workflowPath, { env: io.env, logger, clock });
  if (!opened.ok) {
    const error = summariseErrors(opened.error);
    io.stderr.write(`symphony: cannot start: ${maskUrlCredentials(formatWorkflowError(error))}\n`);
    if (error.code === "missing_workflow_file" && !existsSync(options.workflowPath)) {
      // the first thing a new user sees in an empty folder: say what to do next, not just ENOENT
      io.stderr.write(
        `symphony: no ${basename(options.workflowPath)} here; run \`symphony init\` to write a starter workflow and a sample issue, or pass the path of yours\n`,
      );
    }
    await logger.close();
    return 1;
  }
  const source = opened.value;
  redactor.setSecrets(source.current().config.secretValues);
  warnUnknownKeys(source.current(), logger);
  logger.debug("workflow loaded", {
    workflow: source.path,
    content_hash: source.current().contentHash.slice(0, 12),
  });
  const unsubscribe = source.subscribe((result) => {
    if (!result.ok) return;
    redactor.setSecrets(result.value.config.secretValues);
    warnUnknownKeys(result.value, logger);
  });
  await source.ready();

  const ctx: ServiceContext = {
    options,
    source,
    logger,
    clock,
    metrics: createMetrics({ clock }),
    serverPort: (config) => options.port ?? config.server.port,
    redactor,
    env: io.env,
  };
  const shutdown = async (code: number): Promise<number> => {
    unsubscribe();
    await source.close();
    await logger.close();
    return code;
  };

  let started: Result<RunningService, string>;
  try {
    started = await (deps.start ?? startService)(ctx);
  } catch (cause) {
    started = err(messageOf(cause));
  }
  if (!started.ok) {
    io.stderr.write(`symphony: cannot start: ${redactor.redact(started.error)} (${source.path})\n`);
    return shutdown(1);
  }
  const config = source.current().config;
  let surfaces: Observability | null = null;
  if (started.value.status !== undefined) {
    const status = await startStatusSurfaces({
      status: started.value.status,
      config,
      io,
      logger,
      logRouter,
      metrics: ctx.metrics,
      redactor,
      port: options.port,
      logsRoot: options.logsRoot,
      tui: options.tui !== false,
      ...(started.value.verifyWebhook === undefined ? {} : { verifyWebhook: started.value.verifyWebhook }),
    });
    if (!status.ok) {
      io.stderr.write(`symphony: cannot start: ${redactor.redact(status.error)} (${source.path})\n`);
      await started.value.stop("startup_failed").catch(() => {});
      return shutdown(1);
    }
    surfaces = status.value;
  }
  logger.info("ready", {
    workflow: source.path,
    tracker: config.tracker.kind,
    agent: config.agent.backend,
    port: ctx.serverPort(config),
  });

  waiter.watch(started.value.exited);
  const outcome = await waiter.done;
  await surfaces?.close();
  if (outcome.kind === "exited") {
    logger[outcome.code === 0 ? "info" : "error"]("service exited", { code: outcome.code });
    await started.value.stop("exited").catch(() => {});
    return shutdown(outcome.code === 0 ? 0 : 1);
  }
  logger.info("shutting down", { reason: outcome.name });
  try {
    await started.value.stop(outcome.name);
  } catch (cause) {
    logger.error("service stop failed", { reason: messageOf(cause) });
    return shutdown(1);
  }
  logger.info("stopped");
  return shutdown(0);
}
