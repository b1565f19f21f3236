import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { Result } from "../domain/result.js";
import type { WebhookRequest } from "./adapter.js";

/** Hex HMAC-SHA256 of the raw body keyed with the secret (Linear, GitHub, Jira, Asana). */
export function hmacSha256Hex(secret: string | Uint8Array, body: Uint8Array): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}

/** Base64 HMAC-SHA256 of a byte string (Standard Webhooks). */
export function hmacSha256Base64(key: Uint8Array, data: Uint8Array): string {
  return createHmac("sha256", key).update(data).digest("base64");
}

const digest = (s: string): Buffer => createHash("sha256").update(s, "utf8").digest();

/** Constant-time string equality (both sides hashed first, so lengths leak nothing either). */
export function safeEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** One request header by name (headers arrive lowercase); blank counts as absent. */
export function headerOf(request: WebhookRequest, name: string): string | null {
  const value = request.headers[name.toLowerCase()];
  return value === undefined || value.trim() === "" ? null : value.trim();
}

/** The body parsed as a JSON object, or a reason. Only called after the signature matched. */
export function jsonBody(body: Uint8Array): Result<Readonly<Record<string, unknown>>, string> {
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(body));
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
      return { ok: true, value: parsed as Readonly<Record<string, unknown>> };
    }
  } catch {
    // falls through: reported below without echoing the body
  }
  return { ok: false, error: "body is not a JSON object" };
}

/** Checks a `sha256=<hex>` header (GitHub `X-Hub-Signature-256`, Jira `X-Hub-Signature`). */
export function checkPrefixedSha256(
  request: WebhookRequest,
  header: string,
  secret: string,
): Result<void, string> {
  const given = headerOf(request, header);
  if (given === null) return { ok: false, error: `missing ${header} header` };
  if (!given.toLowerCase().startsWith("sha256="))
    return { ok: false, error: `${header} is not sha256=<hex>` };
  const expected = hmacSha256Hex(secret, request.body);
  if (!safeEqual(given.slice(7).toLowerCase(), expected)) return { ok: false, error: "signature mismatch" };
  return { ok: true, value: undefined };
}
