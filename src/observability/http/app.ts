import { getConnInfo } from "@hono/node-server/conninfo";
import { type Context, Hono } from "hono";
import { messageOf } from "../../domain/errors.js";
import type { Logger } from "../../domain/logger.js";
import type { StatusSource } from "../../domain/snapshot.js";
import type { SymphonyMetrics } from "../metrics/metrics.js";
import { errorJson, inactiveIssueJson, issueJson, type RunLogLookup } from "./api-shapes.js";
import { tokenMatches } from "./auth.js";
import type { AuthThrottle } from "./auth-throttle.js";
import { DASHBOARD_CSP, DASHBOARD_HTML } from "./dashboard-page.js";
import { attemptJson } from "./history-shapes.js";
import type { RefreshGate } from "./refresh-gate.js";
import type { RequestGuard } from "./request-guard.js";
import type { SseHub } from "./sse-hub.js";
import type { StateCache } from "./state-cache.js";
import { registerWebhookRoute, WEBHOOK_PATH, type WebhookVerifier } from "./webhook-route.js";

/** What the HTTP app serves from. */
export interface AppDeps {
  readonly source: StatusSource;
  readonly hub: SseHub;
  readonly state: StateCache;
  readonly metrics: SymphonyMetrics;
  readonly runLogs: RunLogLookup;
  /** When set, every route needs `Authorization: Bearer <token>` (or `?token=`). */
  readonly authToken: string | null;
  readonly logger: Logger;
  /** Current time for `requested_at`. */
  readonly now: () => number;
  /** Verifies tracker webhooks with the current adapter; absent → the webhook route is disabled. */
  readonly verifyWebhook?: WebhookVerifier;
  /** Allowed `Host` names and same-origin writes (DNS rebinding, CSRF). */
  readonly guard: RequestGuard;
  /** Rate limit for `POST /api/v1/refresh`. */
  readonly refresh: RefreshGate;
  /** Slows down repeated failed authentications per client address. */
  readonly throttle: AuthThrottle;
}

/** True when an `Accept-Encoding` header allows gzip (and does not refuse it with `q=0`). */
export function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  return header.split(",").some((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (name !== "gzip" && name !== "*") return false;
    return !params.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p));
  });
}

// The peer address; requests without a socket (none in production) share one bucket.
function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown";
  }
}

/** 405 with the JSON envelope and the `Allow` header. */
const notAllowed = (allow: string) => (c: Context) =>
  c.json(errorJson("method_not_allowed", `Method not allowed; use ${allow}`), 405, { allow });

/**
 * The hono app: `/` (dashboard), `/api/v1/state`, `/api/v1/refresh`, `/api/v1/events` (SSE),
 * `/metrics`, `/api/v1/webhooks/tracker`, `/api/v1/<identifier>`. Fixed routes come before the identifier route; other methods
 * on a defined route get 405, unknown paths 404, all with the `{error:{code,message}}` envelope.
 */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  const { source } = deps;

  app.use("*", async (c, next) => {
    // webhooks come from providers (server to server) through proxies and carry their own signature
    if (c.req.path === WEBHOOK_PATH) return next();
    const refusal = deps.guard.check(c.req.method, c.req.raw.headers);
    if (refusal === null) return next();
    deps.logger.warn("http request refused", { reason: refusal.kind, path: c.req.path });
    if (refusal.kind === "host_not_allowed") {
      return c.json(
        errorJson("host_not_allowed", "This Host name is not served here; see server.allowed_hosts"),
        421,
      );
    }
    return c.json(errorJson("cross_origin", "Cross-origin requests may not change anything"), 403);
  });

  if (deps.authToken !== null) {
    const token = deps.authToken;
    app.use("*", async (c, next) => {
      // webhooks carry a provider signature instead of our bearer token
      if (c.req.path === WEBHOOK_PATH) return next();
      const client = clientAddress(c);
      const wait = deps.throttle.retryAfterMs(client);
      if (wait > 0) {
        return c.json(errorJson("too_many_failures", "Too many failed authentications; try later"), 429, {
          "retry-after": String(Math.ceil(wait / 1000)),
        });
      }
      if (!tokenMatches(token, c.req.header("authorization"), c.req.query("token"))) {
        deps.throttle.fail(client);
        return c.json(errorJson("unauthorized", "A valid bearer token is required"), 401, {
          "www-authenticate": 'Bearer realm="symphony"',
        });
      }
      deps.throttle.succeed(client);
      await next();
    });
  }

  app.get("/", (c) =>
    c.html(DASHBOARD_HTML, 200, {
      "content-security-policy": DASHBOARD_CSP,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "cache-control": "no-store",
    }),
  );
  app.all("/", notAllowed("GET"));

  app.get("/api/v1/state", (c) => {
    const headers = {
      "content-type": "application/json",
      "cache-control": "no-store",
      vary: "accept-encoding",
    };
    try {
      // the body is large (every retry row) and shared: compress it once per change, not per request
      if (acceptsGzip(c.req.header("accept-encoding"))) {
        return c.body(deps.state.gzipBody(), 200, { ...headers, "content-encoding": "gzip" });
      }
      return c.body(deps.state.bodyBytes(), 200, headers);
    } catch (cause) {
      // spec 13.3: an unavailable snapshot is surfaced as such (503 so monitors notice), never a crash
      deps.logger.error("snapshot unavailable", { error: messageOf(cause) });
      return c.json(
        {
          generated_at: new Date(deps.now()).toISOString(),
          ...errorJson(
            "snapshot_unavailable",
            `The orchestrator snapshot is unavailable: ${messageOf(cause)}`,
          ),
        },
        503,
        { "cache-control": "no-store" },
      );
    }
  });
  app.all("/api/v1/state", notAllowed("GET"));

  app.post("/api/v1/refresh", (c) => {
    const { coalesced, stopping } = deps.refresh.request();
    if (stopping === true) {
      // nothing will poll again in this process: say so instead of queueing a refresh that never runs
      return c.json(errorJson("service_stopping", "The service is shutting down; no refresh will run"), 503);
    }
    deps.logger.info("refresh requested", { coalesced, source: "http" });
    return c.json(
      {
        queued: true,
        coalesced,
        requested_at: new Date(deps.now()).toISOString(),
        operations: ["poll", "reconcile"],
      },
      202,
    );
  });
  app.all("/api/v1/refresh", notAllowed("POST"));

  registerWebhookRoute(app, {
    requestRefresh: () => deps.refresh.request(),
    verify: deps.verifyWebhook ?? null,
    metrics: deps.metrics,
    logger: deps.logger,
  });

  app.get("/api/v1/events", () => deps.hub.connect());
  app.all("/api/v1/events", notAllowed("GET"));

  app.get("/metrics", async (c) =>
    c.body(await deps.metrics.render(), 200, { "content-type": deps.metrics.contentType }),
  );
  app.all("/metrics", notAllowed("GET"));

  app.get("/api/v1/:identifier", async (c) => {
    const identifier = c.req.param("identifier");
    const active = issueJson(source.snapshot(), identifier, deps.runLogs);
    const runs = (await source.history?.(identifier)) ?? [];
    const body =
      active === null
        ? inactiveIssueJson(identifier, runs)
        : { ...active, run_history: runs.map(attemptJson) };
    if (body === null) {
      return c.json(
        errorJson("issue_not_found", `Issue ${JSON.stringify(identifier)} is not known to the orchestrator`),
        404,
      );
    }
    return c.json(body, 200, { "cache-control": "no-store" });
  });
  app.all("/api/v1/:identifier", notAllowed("GET"));

  app.notFound((c) => c.json(errorJson("not_found", "Route not found"), 404));
  app.onError((error, c) => {
    deps.logger.error("http handler failed", { path: c.req.path, error: error.message });
    return c.json(errorJson("internal_error", "Internal server error"), 500);
  });
  return app;
}
