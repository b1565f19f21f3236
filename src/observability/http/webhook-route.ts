import type { Context, Hono } from "hono";
import type { Logger } from "../../domain/logger.js";
import type { WebhookRequest } from "../../tracker/adapter.js";
import type { WebhookCheck } from "../../tracker/webhook-check.js";
import type { SymphonyMetrics } from "../metrics/metrics.js";
import { errorJson } from "./api-shapes.js";
import { DeliveryIds } from "./delivery-ids.js";
import type { RefreshOutcome } from "./refresh-gate.js";

/** Where trackers POST their webhooks. */
export const WEBHOOK_PATH = "/api/v1/webhooks/tracker";

/** Largest webhook body read (1 MiB); bigger deliveries get 413. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

/** Checks one delivery against the service's current tracker adapter and secret. */
export type WebhookVerifier = (request: WebhookRequest) => WebhookCheck;

/** What the webhook route needs. */
export interface WebhookRouteDeps {
  /** Asks for a refresh through the same rate limit as `POST /api/v1/refresh`. */
  readonly requestRefresh: () => RefreshOutcome;
  /** Null when the service did not wire webhooks (the route answers `webhooks_disabled`). */
  readonly verify: WebhookVerifier | null;
  readonly metrics: SymphonyMetrics;
  readonly logger: Logger;
  /** Delivery ids remembered for de-duplication. */
  readonly dedupeCapacity?: number;
}

/** The `refresh` field of a 202 answer. */
export type WebhookRefresh = "queued" | "coalesced" | "duplicate" | "ignored";

// The raw body, or null once it exceeds the limit (the rest is not read).
async function readCapped(c: Context, limit: number): Promise<Uint8Array | null> {
  const declared = Number(c.req.header("content-length") ?? "0");
  if (Number.isFinite(declared) && declared > limit) return null;
  const stream = c.req.raw.body;
  if (stream === null) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * `POST /api/v1/webhooks/tracker`: verifies a tracker webhook on its raw body and, for a new relevant
 * delivery, asks the orchestrator for an immediate poll + reconcile (coalesced like `/api/v1/refresh`).
 * Authenticated by the provider signature, never by the bearer token. Polling stays the source of
 * truth; a webhook only wakes it early.
 */
export function registerWebhookRoute(app: Hono, deps: WebhookRouteDeps): void {
  const deliveries = new DeliveryIds(deps.dedupeCapacity);
  const accepted = (c: Context, refresh: WebhookRefresh) => {
    deps.metrics.countWebhook(refresh);
    return c.json({ accepted: true, refresh }, 202);
  };

  app.post(WEBHOOK_PATH, async (c) => {
    if (deps.verify === null) {
      deps.metrics.countWebhook("disabled");
      return c.json(errorJson("webhooks_disabled", "tracker.webhook_secret is not configured"), 404);
    }
    const body = await readCapped(c, WEBHOOK_BODY_LIMIT);
    if (body === null) {
      deps.metrics.countWebhook("too_large");
      return c.json(
        errorJson("payload_too_large", `Webhook bodies are limited to ${WEBHOOK_BODY_LIMIT} bytes`),
        413,
        { connection: "close" },
      );
    }
    const check = deps.verify({ headers: c.req.header(), body, query: c.req.query() });
    switch (check.kind) {
      case "disabled":
        deps.metrics.countWebhook("disabled");
        return c.json(errorJson("webhooks_disabled", "tracker.webhook_secret is not configured"), 404);
      case "unsupported":
        deps.metrics.countWebhook("unsupported");
        return c.json(
          errorJson("webhooks_unsupported", `The ${check.tracker} tracker does not verify webhooks`),
          404,
        );
      case "rejected":
        deps.metrics.countWebhook("rejected");
        deps.logger.warn("webhook rejected", { reason: check.reason });
        return c.json(errorJson("invalid_signature", "The webhook signature did not verify"), 401);
      case "verified":
        break;
      default: {
        const _exhaustive: never = check;
        return _exhaustive;
      }
    }
    const { verdict } = check;
    if (verdict.handshake !== undefined) {
      deps.metrics.countWebhook("handshake");
      deps.logger.info("webhook handshake answered", {});
      return c.json({ accepted: true, handshake: true }, 200, { ...verdict.handshake });
    }
    if (verdict.deliveryId !== null && deliveries.seen(verdict.deliveryId)) {
      return accepted(c, "duplicate");
    }
    if (!verdict.relevant) return accepted(c, "ignored");
    const { coalesced } = deps.requestRefresh();
    deps.logger.info("refresh requested", {
      coalesced,
      source: "webhook",
      delivery_id: verdict.deliveryId,
    });
    return accepted(c, coalesced ? "coalesced" : "queued");
  });
  app.all(WEBHOOK_PATH, (c) =>
    c.json(errorJson("method_not_allowed", "Method not allowed; use POST"), 405, { allow: "POST" }),
  );
}
