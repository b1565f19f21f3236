import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import { type Logger, silentLogger } from "../../domain/logger.js";
import type { Result } from "../../domain/result.js";
import type { StatusSource } from "../../domain/snapshot.js";
import { type Clock, systemClock } from "../../util/clock.js";
import { createMetrics, type SymphonyMetrics } from "../metrics/metrics.js";
import type { RunLogLookup } from "./api-shapes.js";
import { createApp } from "./app.js";
import { isLoopbackHost, MIN_REMOTE_TOKEN_LENGTH } from "./auth.js";
import { AuthThrottle } from "./auth-throttle.js";
import { RefreshGate } from "./refresh-gate.js";
import { RequestGuard } from "./request-guard.js";
import { SseHub } from "./sse-hub.js";
import { StateCache } from "./state-cache.js";
import type { WebhookVerifier } from "./webhook-route.js";

/** Options for {@link startHttpServer}. */
export interface HttpServerOptions {
  readonly source: StatusSource;
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly authToken: string | null;
  readonly logger?: Logger;
  readonly clock?: Clock;
  readonly metrics?: SymphonyMetrics;
  readonly runLogs?: RunLogLookup;
  /** SSE batching interval (ms). */
  readonly sseFlushMs?: number;
  /** Verifies tracker webhooks (`POST /api/v1/webhooks/tracker`); absent → that route is disabled. */
  readonly verifyWebhook?: WebhookVerifier;
  /** Extra `Host` names served besides loopback names and `host` (`server.allowed_hosts`). */
  readonly allowedHosts?: readonly string[];
  /** Minimum time between two refreshes `POST /api/v1/refresh` may cause. Default 1,000 ms. */
  readonly refreshMinIntervalMs?: number;
  /** Most concurrent SSE clients; further ones get 503. Default 64. */
  readonly maxSseClients?: number;
}

/** A listening HTTP server. */
export interface HttpServer {
  /** `http://<host>:<port>/`, wildcard hosts shown as 127.0.0.1 and IPv6 bracketed. */
  readonly url: string;
  readonly port: number;
  readonly hub: SseHub;
  /** Ends SSE streams, stops listening and drops open connections. */
  close(): Promise<void>;
}

/** Why the server did not start. */
export type HttpStartError =
  | { readonly kind: "auth_token_required"; readonly host: string }
  | {
      readonly kind: "auth_token_weak";
      readonly host: string;
      readonly length: number;
      readonly minLength: number;
    }
  | {
      readonly kind: "listen_failed";
      readonly host: string;
      readonly port: number;
      readonly message: string;
    };

/** An operator-facing sentence for a start failure. */
export function describeHttpStartError(error: HttpStartError): string {
  switch (error.kind) {
    case "auth_token_required":
      return `server.host ${JSON.stringify(error.host)} is not a loopback address, so server.auth_token is required (set it, or bind 127.0.0.1)`;
    case "auth_token_weak":
      return `server.host ${JSON.stringify(error.host)} is not a loopback address, so server.auth_token must be at least ${error.minLength} characters, got ${error.length}`;
    case "listen_failed":
      return `cannot listen on ${error.host}:${error.port}: ${error.message}`;
    default: {
      const _exhaustive: never = error;
      return String(_exhaustive);
    }
  }
}

/** The URL operators open for a bound address. */
export function displayUrl(host: string, port: number): string {
  const h = host.replace(/^\[(.*)\]$/, "$1");
  const shown = h === "0.0.0.0" || h === "::" || h === "" ? "127.0.0.1" : h.includes(":") ? `[${h}]` : h;
  return `http://${shown}:${port}/`;
}

/**
 * Starts the observability HTTP server. Refuses (as a value) to bind a non-loopback host without an
 * auth token; listen errors (port in use, bad host) are values too.
 */
export async function startHttpServer(
  options: HttpServerOptions,
): Promise<Result<HttpServer, HttpStartError>> {
  const host = options.host;
  const authToken = options.authToken === "" ? null : options.authToken;
  if (!isLoopbackHost(host) && authToken === null) {
    return { ok: false, error: { kind: "auth_token_required", host } };
  }
  if (!isLoopbackHost(host) && authToken !== null && authToken.length < MIN_REMOTE_TOKEN_LENGTH) {
    return {
      ok: false,
      error: { kind: "auth_token_weak", host, length: authToken.length, minLength: MIN_REMOTE_TOKEN_LENGTH },
    };
  }
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const metrics = options.metrics ?? createMetrics({ clock });
  const detachMetrics = options.metrics === undefined ? metrics.attach(options.source) : () => {};
  const state = new StateCache(options.source, { clock });
  const hub = new SseHub({
    source: options.source,
    state,
    clock,
    logger,
    ...(options.sseFlushMs === undefined ? {} : { flushMs: options.sseFlushMs }),
    ...(options.maxSseClients === undefined ? {} : { maxClients: options.maxSseClients }),
  });
  const refresh = new RefreshGate(options.source, clock, options.refreshMinIntervalMs ?? 1000);
  const app = createApp({
    source: options.source,
    hub,
    state,
    metrics,
    runLogs: options.runLogs ?? (() => null),
    authToken,
    logger,
    now: () => clock.now(),
    guard: new RequestGuard(host, options.allowedHosts ?? []),
    refresh,
    throttle: new AuthThrottle(clock),
    ...(options.verifyWebhook === undefined ? {} : { verifyWebhook: options.verifyWebhook }),
  });
  const server = createAdaptorServer({ fetch: app.fetch, hostname: host }) as Server;
  const listening = await new Promise<Result<AddressInfo, string>>((resolve) => {
    const onError = (error: Error): void => resolve({ ok: false, error: error.message });
    server.once("error", onError);
    server.listen(options.port, host, () => {
      server.off("error", onError);
      resolve({ ok: true, value: server.address() as AddressInfo });
    });
  });
  if (!listening.ok) {
    hub.close();
    state.close();
    refresh.close();
    detachMetrics();
    return {
      ok: false,
      error: { kind: "listen_failed", host, port: options.port, message: listening.error },
    };
  }
  server.on("error", (error) => logger.error("http server error", { error: error.message }));
  const port = listening.value.port;
  let closing: Promise<void> | null = null;
  return {
    ok: true,
    value: {
      url: displayUrl(host, port),
      port,
      hub,
      close() {
        closing ??= new Promise<void>((resolve) => {
          hub.close();
          state.close();
          refresh.close();
          detachMetrics();
          server.close(() => resolve());
          server.closeAllConnections();
        });
        return closing;
      },
    },
  };
}
