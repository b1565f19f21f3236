import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AsanaWebhookVerifier } from "../../../src/tracker/asana/webhook.js";

const CONFIGURED = "asana-configured-secret";
const HANDSHAKE = "asana-handshake-secret";
const taskEvent = Buffer.from(
  JSON.stringify({ events: [{ action: "changed", resource: { gid: "1", resource_type: "task" } }] }),
);
const heartbeat = Buffer.from(JSON.stringify({ events: [] }));
const sign = (b: Uint8Array, key: string) => ({
  "x-hook-signature": createHmac("sha256", key).update(b).digest("hex"),
});

describe("Asana webhook verification", () => {
  const handshake = (secret: string, token: string | null = CONFIGURED) => ({
    headers: { "x-hook-secret": secret },
    body: new Uint8Array(),
    ...(token === null ? {} : { query: { hook_token: token } }),
  });

  it("a handshake with ?hook_token=<webhook_secret> is answered by echoing X-Hook-Secret, with no refresh", () => {
    const verifier = new AsanaWebhookVerifier();
    const result = verifier.verify(handshake(HANDSHAKE), CONFIGURED);
    expect(result).toEqual({
      ok: true,
      value: { deliveryId: null, relevant: false, handshake: { "x-hook-secret": HANDSHAKE } },
    });
  });

  it("after the handshake, deliveries signed with the handshake secret verify; a task event is relevant", () => {
    const verifier = new AsanaWebhookVerifier();
    verifier.verify(handshake(HANDSHAKE), CONFIGURED);
    expect(verifier.verify({ headers: sign(taskEvent, HANDSHAKE), body: taskEvent }, CONFIGURED)).toEqual({
      ok: true,
      value: { deliveryId: null, relevant: true },
    });
  });

  it("a handshake without the hook token, or with a wrong one, is refused and its secret never trusted", () => {
    const verifier = new AsanaWebhookVerifier();
    expect(verifier.verify(handshake("attacker", null), CONFIGURED).ok).toBe(false);
    expect(verifier.verify(handshake("attacker", "guess"), CONFIGURED).ok).toBe(false);
    expect(verifier.verify({ headers: sign(taskEvent, "attacker"), body: taskEvent }, CONFIGURED)).toEqual({
      ok: false,
      error: "signature mismatch",
    });
  });

  it("a known handshake secret is never replaced, even by a handshake with the token", () => {
    const verifier = new AsanaWebhookVerifier();
    expect(verifier.verify(handshake(HANDSHAKE), CONFIGURED).ok).toBe(true);
    expect(verifier.verify(handshake("attacker"), CONFIGURED)).toEqual({
      ok: false,
      error: "handshake refused: a subscription secret is already known",
    });
    expect(verifier.verify({ headers: sign(taskEvent, "attacker"), body: taskEvent }, CONFIGURED).ok).toBe(
      false,
    );
    expect(verifier.verify({ headers: sign(taskEvent, HANDSHAKE), body: taskEvent }, CONFIGURED).ok).toBe(
      true,
    );
  });

  it("deliveries signed with the configured webhook_secret verify without a handshake (restart case)", () => {
    const verifier = new AsanaWebhookVerifier();
    expect(verifier.verify({ headers: sign(taskEvent, CONFIGURED), body: taskEvent }, CONFIGURED).ok).toBe(
      true,
    );
  });

  it("an empty heartbeat verifies but is not relevant", () => {
    const verifier = new AsanaWebhookVerifier();
    expect(verifier.verify({ headers: sign(heartbeat, CONFIGURED), body: heartbeat }, CONFIGURED)).toEqual({
      ok: true,
      value: { deliveryId: null, relevant: false },
    });
  });

  const cases: Array<[string, Record<string, string>, Uint8Array, string]> = [
    ["a tampered body", sign(taskEvent, CONFIGURED), heartbeat, "signature mismatch"],
    ["a signature with an unknown key", sign(taskEvent, "someone-else"), taskEvent, "signature mismatch"],
    ["a missing X-Hook-Signature", {}, taskEvent, "missing X-Hook-Signature header"],
  ];
  it.each(cases)("%s is rejected", (_name, headers, body, reason) => {
    expect(new AsanaWebhookVerifier().verify({ headers, body }, CONFIGURED)).toEqual({
      ok: false,
      error: reason,
    });
  });
});
