import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import {
  describeHttpStartError,
  type HttpServerOptions,
  startHttpServer,
} from "../../../src/observability/http/server.js";
import { WEBHOOK_BODY_LIMIT, WEBHOOK_PATH } from "../../../src/observability/http/webhook-route.js";
import { createMetrics } from "../../../src/observability/metrics/metrics.js";
import type { WebhookRequest } from "../../../src/tracker/adapter.js";
import { verifyLinearWebhook } from "../../../src/tracker/linear/webhook.js";
import type { WebhookCheck } from "../../../src/tracker/webhook-check.js";
import { FakeStatusSource } from "../../support/fake-status-source.js";
import { recordingLogger } from "../../support/linear-fixture.js";
import { ManualClock } from "../../support/manual-clock.js";

const SECRET = "route-secret-value";
const NOW = Date.UTC(2026, 0, 1, 12);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

// The service's verifier, reduced to the Linear check on a manual clock.
const linearVerifier =
  (clock: ManualClock) =>
  (request: WebhookRequest): WebhookCheck => {
    const result = verifyLinearWebhook(request, SECRET, clock.now());
    return result.ok
      ? { kind: "verified", verdict: result.value }
      : { kind: "rejected", reason: result.error };
  };

async function serve(extra: Partial<HttpServerOptions> = {}) {
  const source = new FakeStatusSource();
  const clock = new ManualClock(NOW);
  const logger = recordingLogger();
  const metrics = createMetrics({ clock });
  const started = await startHttpServer({
    source,
    host: "127.0.0.1",
    port: 0,
    authToken: null,
    clock,
    logger,
    metrics,
    verifyWebhook: linearVerifier(clock),
    ...extra,
  });
  if (!started.ok) throw new Error(describeHttpStartError(started.error));
  cleanups.push(() => started.value.close());
  const url = `${started.value.url.replace(/\/$/, "")}${WEBHOOK_PATH}`;
  return { source, logger, metrics, url, clock };
}

function linearDelivery(delivery: string, fields: Record<string, unknown> = {}, secret = SECRET) {
  const body = JSON.stringify({ action: "update", type: "Issue", webhookTimestamp: NOW, ...fields });
  const signature = createHmac("sha256", secret).update(body).digest("hex");
  return {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "linear-signature": signature,
      "linear-delivery": delivery,
    },
    body,
  };
}

type Accepted = { accepted: boolean; refresh: string };
type ErrorBody = { error: { code: string; message: string } };

describe("POST /api/v1/webhooks/tracker", () => {
  it("a valid relevant delivery → 202 queued and exactly one refresh", async () => {
    const { source, url } = await serve();
    const res = await fetch(url, linearDelivery("d-1"));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: true, refresh: "queued" });
    expect(source.refreshRequests).toBe(1);
  });

  it("a second delivery inside the refresh interval reports coalesced and joins one trailing refresh", async () => {
    const { source, url, clock } = await serve();
    await fetch(url, linearDelivery("d-1"));
    const res = await fetch(url, linearDelivery("d-2"));
    expect(((await res.json()) as Accepted).refresh).toBe("coalesced");
    expect(source.refreshRequests).toBe(1);
    clock.advance(1_000);
    expect(source.refreshRequests).toBe(2);
  });

  it("a duplicate delivery id → 202 duplicate and no second refresh", async () => {
    const { source, url } = await serve();
    await fetch(url, linearDelivery("d-1"));
    const res = await fetch(url, linearDelivery("d-1"));
    expect(res.status).toBe(202);
    expect(((await res.json()) as Accepted).refresh).toBe("duplicate");
    expect(source.refreshRequests).toBe(1);
  });

  it("a verified delivery that is not about issues → 202 ignored, no refresh", async () => {
    const { source, url } = await serve();
    const res = await fetch(url, linearDelivery("d-1", { type: "Comment" }));
    expect(((await res.json()) as Accepted).refresh).toBe("ignored");
    expect(source.refreshRequests).toBe(0);
  });

  it("a bad signature → 401 with the error envelope, a warn log without secret or body, no refresh", async () => {
    const { source, url, logger } = await serve();
    const res = await fetch(url, linearDelivery("d-1", { title: "private-title" }, "wrong-secret"));
    expect(res.status).toBe(401);
    expect(((await res.json()) as ErrorBody).error.code).toBe("invalid_signature");
    expect(source.refreshRequests).toBe(0);
    const warn = logger.lines.find((l) => l.level === "warn");
    expect(warn?.message).toBe("webhook rejected");
    expect(warn?.fields.reason).toBe("signature mismatch");
    const logged = JSON.stringify(logger.lines);
    expect(logged).not.toContain(SECRET);
    expect(logged).not.toContain("private-title");
  });

  it("a rejected delivery does not poison its id: the genuine one with that id still refreshes", async () => {
    const { source, url } = await serve();
    await fetch(url, linearDelivery("d-1", {}, "wrong-secret"));
    const res = await fetch(url, linearDelivery("d-1"));
    expect(((await res.json()) as Accepted).refresh).toBe("queued");
    expect(source.refreshRequests).toBe(1);
  });

  it("a bearer-token-protected server still accepts a signed webhook without the bearer", async () => {
    const { source, url } = await serve({ authToken: "api-token" });
    const res = await fetch(url, linearDelivery("d-1"));
    expect(res.status).toBe(202);
    expect(source.refreshRequests).toBe(1);
    // the rest of the API still needs the bearer
    const state = await fetch(url.replace(WEBHOOK_PATH, "/api/v1/state"));
    expect(state.status).toBe(401);
  });

  it("an oversize body (over 1 MiB) → 413 without verification or refresh", async () => {
    const { source, url, logger } = await serve();
    const big = linearDelivery("d-1", { padding: "x".repeat(WEBHOOK_BODY_LIMIT) });
    const res = await fetch(url, big);
    expect(res.status).toBe(413);
    expect(((await res.json()) as ErrorBody).error.code).toBe("payload_too_large");
    expect(source.refreshRequests).toBe(0);
    expect(logger.lines.some((l) => l.message === "webhook rejected")).toBe(false);
  });

  it("an oversize chunked body without Content-Length → 413", async () => {
    const { source, url } = await serve();
    const chunk = new Uint8Array(256 * 1024).fill(120);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 5) controller.close();
        else {
          sent += 1;
          controller.enqueue(chunk);
        }
      },
    });
    const res = await fetch(url, { method: "POST", body: stream, duplex: "half" } as RequestInit);
    expect(res.status).toBe(413);
    expect(source.refreshRequests).toBe(0);
  });

  it("GET → 405 with Allow: POST", async () => {
    const { url } = await serve();
    const res = await fetch(url);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
  });

  it("without a verifier (no tracker.webhook_secret) → 404 webhooks_disabled", async () => {
    const { source, url } = await serve({ verifyWebhook: () => ({ kind: "disabled" }) });
    const res = await fetch(url, linearDelivery("d-1"));
    expect(res.status).toBe(404);
    expect(((await res.json()) as ErrorBody).error.code).toBe("webhooks_disabled");
    expect(source.refreshRequests).toBe(0);
  });

  it("a tracker that cannot verify → 404 webhooks_unsupported", async () => {
    const { url } = await serve({ verifyWebhook: () => ({ kind: "unsupported", tracker: "memory" }) });
    const res = await fetch(url, linearDelivery("d-1"));
    expect(res.status).toBe(404);
    expect(((await res.json()) as ErrorBody).error.code).toBe("webhooks_unsupported");
  });

  it("a handshake verdict answers 200 echoing its headers and does not refresh", async () => {
    const { source, url } = await serve({
      verifyWebhook: () => ({
        kind: "verified",
        verdict: { deliveryId: null, relevant: false, handshake: { "x-hook-secret": "hs-1" } },
      }),
    });
    const res = await fetch(url, { method: "POST", body: "" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-hook-secret")).toBe("hs-1");
    expect(source.refreshRequests).toBe(0);
  });

  it("deliveries are counted by outcome in /metrics", async () => {
    const { url, metrics } = await serve();
    await fetch(url, linearDelivery("d-1"));
    await fetch(url, linearDelivery("d-1"));
    await fetch(url, linearDelivery("d-2", {}, "wrong"));
    const text = await metrics.render();
    expect(text).toContain('symphony_webhook_deliveries_total{outcome="queued"} 1');
    expect(text).toContain('symphony_webhook_deliveries_total{outcome="duplicate"} 1');
    expect(text).toContain('symphony_webhook_deliveries_total{outcome="rejected"} 1');
  });
});
