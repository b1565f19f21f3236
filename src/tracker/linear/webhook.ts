import type { Result } from "../../domain/result.js";
import type { WebhookRequest, WebhookVerdict } from "../adapter.js";
import { headerOf, hmacSha256Hex, jsonBody, safeEqual } from "../webhook-signature.js";

/** How far `webhookTimestamp` may be from our clock before a delivery counts as a replay. */
export const LINEAR_REPLAY_WINDOW_MS = 60_000;

/**
 * Verifies a Linear webhook: `Linear-Signature` is the hex HMAC-SHA256 of the raw body, the body's
 * `webhookTimestamp` (unix ms) is within {@link LINEAR_REPLAY_WINDOW_MS} of `nowMs`, `Linear-Delivery`
 * is the delivery id; only `Issue` payloads are relevant.
 */
export function verifyLinearWebhook(
  request: WebhookRequest,
  secret: string,
  nowMs: number,
): Result<WebhookVerdict, string> {
  const given = headerOf(request, "linear-signature");
  if (given === null) return { ok: false, error: "missing Linear-Signature header" };
  if (!safeEqual(given.toLowerCase(), hmacSha256Hex(secret, request.body))) {
    return { ok: false, error: "signature mismatch" };
  }
  const body = jsonBody(request.body);
  if (!body.ok) return body;
  const timestamp = body.value.webhookTimestamp;
  if (typeof timestamp !== "number" || !Number.isFinite(timestamp)) {
    return { ok: false, error: "missing webhookTimestamp" };
  }
  if (Math.abs(nowMs - timestamp) > LINEAR_REPLAY_WINDOW_MS) {
    return { ok: false, error: "webhookTimestamp outside the replay window" };
  }
  const type = body.value.type ?? headerOf(request, "linear-event");
  return {
    ok: true,
    value: { deliveryId: headerOf(request, "linear-delivery"), relevant: type === "Issue" },
  };
}
