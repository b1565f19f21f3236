import type { ServiceConfig } from "../config/types.js";
import type { Logger } from "../domain/logger.js";
import type { Result } from "../domain/result.js";
import type { StatusSource } from "../domain/snapshot.js";
import {
  describeHttpStartError,
  type LogRouter,
  type Observability,
  type SymphonyMetrics,
  startObservability,
  type TerminalStream,
  type WebhookVerifier,
} from "../observability/index.js";
import type { Redactor } from "../observability/log/redact.js";
import type { CliIo } from "./io.js";

/** True when the environment says we run under CI (`CI` set to anything but empty/`0`/`false`). */
export function runningInCi(env: NodeJS.ProcessEnv): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== "" && value !== "0" && value !== "false";
}

/** What `symphony run` passes to start the terminal dashboard, HTTP API and run logs. */
export interface StatusSurfaceArgs {
  readonly status: StatusSource;
  readonly config: ServiceConfig;
  readonly io: CliIo;
  readonly logger: Logger;
  readonly logRouter: LogRouter;
  readonly metrics: SymphonyMetrics;
  /** `--port`, when given. */
  readonly port: number | undefined;
  readonly logsRoot: string | undefined;
  /** False with `--no-tui`. */
  readonly tui: boolean;
  /** Verifies tracker webhooks (the service's current adapter); absent → the webhook route is disabled. */
  readonly verifyWebhook?: WebhookVerifier;
  /** The process's redactor; every surface reads through it. */
  readonly redactor?: Redactor;
}

/**
 * Starts the status surfaces of a running service: the terminal dashboard only when stdout is a
 * TTY, not under CI and not `--no-tui`; the HTTP server when `--port` or `server.port` is set; run
 * logs under `--logs-root`. The error is the operator-facing sentence.
 */
export async function startStatusSurfaces(args: StatusSurfaceArgs): Promise<Result<Observability, string>> {
  const stdout = args.io.stdout as TerminalStream;
  const tui = args.tui && stdout.isTTY === true && !runningInCi(args.io.env);
  const started = await startObservability({
    source: args.status,
    config: args.config,
    logsRoot: args.logsRoot ?? null,
    port: args.port ?? null,
    tui,
    logger: args.logger,
    stdout,
    logRouter: args.logRouter,
    metrics: args.metrics,
    ...(args.redactor === undefined ? {} : { redactor: args.redactor }),
    ...(args.verifyWebhook === undefined ? {} : { verifyWebhook: args.verifyWebhook }),
  });
  return started.ok ? started : { ok: false, error: describeHttpStartError(started.error) };
}
