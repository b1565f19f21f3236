import type { TrackerAdapter, WebhookRequest, WebhookVerdict } from "./adapter.js";

/** What checking one webhook delivery against the current tracker and secret found. */
export type WebhookCheck =
  /** No `tracker.webhook_secret` is configured. */
  | { readonly kind: "disabled" }
  /** The current tracker kind cannot verify webhooks. */
  | { readonly kind: "unsupported"; readonly tracker: string }
  /** The signature, token or timestamp did not verify; `reason` is safe to log. */
  | { readonly kind: "rejected"; readonly reason: string }
  /** A genuine delivery. */
  | { readonly kind: "verified"; readonly verdict: WebhookVerdict };

/** Checks a delivery with the given adapter and secret (null secret → webhooks are disabled). */
export function checkWebhook(
  adapter: TrackerAdapter,
  secret: string | null,
  request: WebhookRequest,
): WebhookCheck {
  if (secret === null || secret === "") return { kind: "disabled" };
  if (adapter.verifyWebhook === undefined) return { kind: "unsupported", tracker: adapter.kind };
  const result = adapter.verifyWebhook(request, secret);
  return result.ok ? { kind: "verified", verdict: result.value } : { kind: "rejected", reason: result.error };
}
