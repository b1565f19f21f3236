import type { ServiceConfig } from "../config/types.js";
import type { Logger } from "../domain/logger.js";
import type { Result } from "../domain/result.js";
import type { StatusSource } from "../domain/snapshot.js";
import { type Clock, systemClock } from "../util/clock.js";
import {
  describeHttpStartError,
  type HttpServer,
  type HttpStartError,
  startHttpServer,
} from "./http/server.js";
import type { WebhookVerifier } from "./http/webhook-route.js";
import type { Redactor } from "./log/redact.js";
import { createMetrics, type SymphonyMetrics } from "./metrics/metrics.js";
import { redactingSource } from "./redacting-source.js";
import { type RunLogRecorder, startRunLogRecorder } from "./run-logs/recorder.js";
import { startTerminalDashboard, type TerminalDashboard, type TerminalStream } from "./terminal/driver.js";
import type { LogRouter } from "./terminal/log-router.js";

export type { RunLogFiles } from "./http/api-shapes.js";
export type { HttpServer, HttpStartError } from "./http/server.js";
export { describeHttpStartError, displayUrl, startHttpServer } from "./http/server.js";
export type { WebhookVerifier } from "./http/webhook-route.js";
export type { SymphonyMetrics } from "./metrics/metrics.js";
export { createMetrics } from "./metrics/metrics.js";
export { redactingSource } from "./redacting-source.js";
export type { RunLogRecorder } from "./run-logs/recorder.js";
export { startRunLogRecorder } from "./run-logs/recorder.js";
export type { TerminalDashboard, TerminalMode, TerminalStream } from "./terminal/driver.js";
export { startTerminalDashboard, terminalMode } from "./terminal/driver.js";
export type { LogRouter } from "./terminal/log-router.js";
export { createLogRouter } from "./terminal/log-router.js";
export type { RenderOptions } from "./terminal/render.js";
export { render } from "./terminal/render.js";

/** What the CLI passes to {@link startObservability}. */
export interface ObservabilityOptions {
  readonly source: StatusSource;
  readonly config: ServiceConfig;
  /** `--logs-root`; per-issue run logs are written under it when set. */
  readonly logsRoot: string | null;
  /** `--port` (wins over `server.port`); null → `server.port`; both null → no HTTP server. 0 → a free port. */
  readonly port: number | null;
  /** Draw the terminal dashboard (the CLI decides: stdout is a TTY, not CI, no `--no-tui`). */
  readonly tui: boolean;
  readonly logger: Logger;
  /** Where the dashboard draws; default `process.stdout`. */
  readonly stdout?: TerminalStream;
  readonly clock?: Clock;
  /** Pass one created earlier to also get tracker metrics (`metrics.instrumentTracker(adapter)`). */
  readonly metrics?: SymphonyMetrics;
  /** The logger's console stream router; while the TUI runs, log lines print above its frame. */
  readonly logRouter?: LogRouter;
  /** Verifies tracker webhooks with the service's current adapter; absent → the webhook route is disabled. */
  readonly verifyWebhook?: WebhookVerifier;
  /** The service's redactor; every surface reads snapshots and events through it. */
  readonly redactor?: Redactor;
}

/** The running status surfaces. */
export interface Observability {
  /** The dashboard/API URL, or null when the HTTP server is off. */
  readonly url: string | null;
  /** Stops the terminal dashboard (final offline frame), the HTTP server and the run logs. */
  close(): Promise<void>;
}

/**
 * Starts every status surface over one {@link StatusSource}: per-issue run logs (with `logsRoot`),
 * the HTTP API + live dashboard + metrics (with a port), and the terminal dashboard (with `tui`).
 * None of them mutates scheduling state except `POST /api/v1/refresh`. Fails (as a value) only when
 * the HTTP server cannot start — e.g. a non-loopback `server.host` without `server.auth_token`.
 */
export async function startObservability(
  options: ObservabilityOptions,
): Promise<Result<Observability, HttpStartError>> {
  const { config, logger } = options;
  // every view below reads through the one redactor: no surface can show a secret the logs would hide
  const source =
    options.redactor === undefined ? options.source : redactingSource(options.source, options.redactor);
  const clock = options.clock ?? systemClock;
  const runLogs: RunLogRecorder | null =
    options.logsRoot === null
      ? null
      : startRunLogRecorder({
          source,
          logsRoot: options.logsRoot,
          clock,
          logger: logger.child({ component: "run_logs" }),
        });

  const port = options.port ?? config.server.port;
  let http: HttpServer | null = null;
  let detachMetrics = (): void => {};
  if (port !== null) {
    const metrics = options.metrics ?? createMetrics({ clock });
    detachMetrics = metrics.attach(source);
    const started = await startHttpServer({
      source,
      host: config.server.host,
      port,
      authToken: config.server.authToken,
      allowedHosts: config.server.allowedHosts,
      maxSseClients: config.server.maxSseClients,
      logger: logger.child({ component: "http" }),
      clock,
      metrics,
      runLogs: (identifier) => runLogs?.lookup(identifier) ?? null,
      ...(options.verifyWebhook === undefined ? {} : { verifyWebhook: options.verifyWebhook }),
    });
    if (!started.ok) {
      detachMetrics();
      await runLogs?.close();
      logger.error("http server failed to start", { reason: describeHttpStartError(started.error) });
      return started;
    }
    http = started.value;
    logger.info("http server listening", { url: http.url, host: config.server.host, port: http.port });
  }

  const tui: TerminalDashboard | null = options.tui
    ? startTerminalDashboard({
        source,
        stream: options.stdout ?? process.stdout,
        clock,
        dashboardUrl: http?.url ?? null,
      })
    : null;
  if (tui !== null) options.logRouter?.attach(tui);

  let closing: Promise<void> | null = null;
  return {
    ok: true,
    value: {
      url: http?.url ?? null,
      close() {
        closing ??= (async () => {
          options.logRouter?.detach();
          tui?.stop();
          detachMetrics();
          await http?.close();
          await runLogs?.close();
        })();
        return closing;
      },
    },
  };
}
