import type { Result } from "../../domain/result.js";
import type { WebhookRequest, WebhookVerdict } from "../adapter.js";
import { headerOf, hmacSha256Base64, jsonBody, safeEqual } from "../webhook-signature.js";

/** Standard Webhooks tolerance between `webhook-timestamp` and our clock. */
export const GITLAB_SIGNED_REPLAY_WINDOW_MS = 5 * 60_000;

const ISSUE_EVENTS: ReadonlySet<string> = new Set(["Issue Hook", "Confidential Issue Hook"]);

// Standard Webhooks: the key is the base64 after `whsec_`; a secret without the prefix is used as bytes.
function signingKey(secret: string): Uint8Array {
  return secret.startsWith("whsec_") ? Buffer.from(secret.slice(6), "base64") : Buffer.from(secret, "utf8");
}

function checkSigned(request: WebhookRequest, secret: string, nowMs: number): Result<void, string> {
  const id = headerOf(request, "webhook-id");
  const timestamp = headerOf(request, "webhook-timestamp");
  const signatures = headerOf(request, "webhook-signature") ?? "";
  if (id === null || timestamp === null) return { ok: false, error: "missing webhook-id/webhook-timestamp" };
  const seconds = Number(timestamp);
  if (!/^\d+$/.test(timestamp) || !Number.isSafeInteger(seconds)) {
    return { ok: false, error: "webhook-timestamp is not unix seconds" };
  }
  if (Math.abs(nowMs - seconds * 1000) > GITLAB_SIGNED_REPLAY_WINDOW_MS) {
    return { ok: false, error: "webhook-timestamp outside the replay window" };
  }
  const signed = Buffer.concat([Buffer.from(`${id}.${timestamp}.`, "utf8"), request.body]);
  const expected = hmacSha256Base64(signingKey(secret), signed);
  // the header may list several space-separated `v1,<base64>` signatures (key rotation)
  const match = signatures
    .split(" ")
    .some((entry) => entry.startsWith("v1,") && safeEqual(entry.slice(3), expected));
  return match ? { ok: true, value: undefined } : { ok: false, error: "signature mismatch" };
}

/**
 * Verifies a GitLab webhook: the plain `X-Gitlab-Token` compared in constant time, or the Standard
 * Webhooks `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">` with a 5-minute replay
 * window. Issue hooks (also confidential, or a body with `object_kind: issue`) are relevant.
 */
export function verifyGitlabWebhook(
  request: WebhookRequest,
  secret: string,
  nowMs: number,
): Result<WebhookVerdict, string> {
  const token = headerOf(request, "x-gitlab-token");
  if (token !== null) {
    if (!safeEqual(token, secret)) return { ok: false, error: "token mismatch" };
  } else if (headerOf(request, "webhook-signature") !== null) {
    const checked = checkSigned(request, secret, nowMs);
    if (!checked.ok) return checked;
  } else {
    return { ok: false, error: "missing X-Gitlab-Token or webhook-signature header" };
  }
  const event = headerOf(request, "x-gitlab-event");
  const body = jsonBody(request.body);
  const kind = body.ok ? body.value.object_kind : undefined;
  return {
    ok: true,
    value: {
      deliveryId:
        headerOf(request, "webhook-id") ??
        headerOf(request, "idempotency-key") ??
        headerOf(request, "x-gitlab-event-uuid"),
      relevant: (event !== null && ISSUE_EVENTS.has(event)) || kind === "issue",
    },
  };
}
