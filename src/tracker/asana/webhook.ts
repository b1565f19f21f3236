import type { Result } from "../../domain/result.js";
import type { WebhookRequest, WebhookVerdict } from "../adapter.js";
import { headerOf, hmacSha256Hex, jsonBody, safeEqual } from "../webhook-signature.js";

/** The target-URL query parameter that proves a handshake was set up by the operator. */
export const ASANA_HOOK_TOKEN_PARAM = "hook_token";

/**
 * Asana webhook verification with its handshake. Asana opens a subscription by POSTing `X-Hook-Secret`,
 * which must be echoed; later deliveries carry `X-Hook-Signature`, the hex HMAC-SHA256 of the raw body
 * keyed with that handshake secret. The handshake itself is unsigned, so anyone could send one: it is
 * accepted only when the target URL carries `?hook_token=<tracker.webhook_secret>` (the operator
 * registers that URL with Asana) and only while no handshake secret is known — a known secret is never
 * replaced. Deliveries signed with the configured `tracker.webhook_secret` verify too, so an operator
 * who stored the handshake secret there keeps verifying across restarts. Deliveries with at least one
 * task event are relevant (empty heartbeats are not). Asana sends no delivery id and no timestamp.
 */
export class AsanaWebhookVerifier {
  #handshakeSecret: string | null = null;

  /** Verifies one delivery, or answers a handshake (remembering its secret). */
  verify(request: WebhookRequest, secret: string): Result<WebhookVerdict, string> {
    const handshake = headerOf(request, "x-hook-secret");
    const signature = headerOf(request, "x-hook-signature");
    if (handshake !== null && signature === null) return this.#handshake(request, handshake, secret);
    if (signature === null) return { ok: false, error: "missing X-Hook-Signature header" };
    const given = signature.toLowerCase();
    const keys = this.#handshakeSecret === null ? [secret] : [secret, this.#handshakeSecret];
    // every key is tried, so timing does not tell which one matched
    const matched = keys.map((key) => safeEqual(given, hmacSha256Hex(key, request.body))).includes(true);
    if (!matched) return { ok: false, error: "signature mismatch" };
    const body = jsonBody(request.body);
    const events = body.ok ? body.value.events : undefined;
    const relevant =
      Array.isArray(events) &&
      events.some((e: unknown) => {
        const resource =
          typeof e === "object" && e !== null ? (e as { resource?: unknown }).resource : undefined;
        return (
          typeof resource === "object" &&
          resource !== null &&
          (resource as { resource_type?: unknown }).resource_type === "task"
        );
      });
    return { ok: true, value: { deliveryId: null, relevant } };
  }

  #handshake(request: WebhookRequest, handshake: string, secret: string): Result<WebhookVerdict, string> {
    const token = request.query?.[ASANA_HOOK_TOKEN_PARAM];
    if (token === undefined || !safeEqual(token, secret)) {
      return { ok: false, error: `handshake without a valid ?${ASANA_HOOK_TOKEN_PARAM}= in the target URL` };
    }
    if (this.#handshakeSecret !== null) {
      return { ok: false, error: "handshake refused: a subscription secret is already known" };
    }
    if (handshake.trim() === "") return { ok: false, error: "empty X-Hook-Secret" };
    this.#handshakeSecret = handshake;
    return {
      ok: true,
      value: { deliveryId: null, relevant: false, handshake: { "x-hook-secret": handshake } },
    };
  }
}
