import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { LINEAR_REPLAY_WINDOW_MS, verifyLinearWebhook } from "../../../src/tracker/linear/webhook.js";

const SECRET = "lin_wh_secret";
const NOW = Date.UTC(2026, 0, 1, 12);

const payload = (fields: Record<string, unknown> = {}) =>
  Buffer.from(JSON.stringify({ action: "update", type: "Issue", webhookTimestamp: NOW, ...fields }));
const sign = (body: Uint8Array, secret = SECRET) => createHmac("sha256", secret).update(body).digest("hex");
const headers = (body: Uint8Array, extra: Record<string, string> = {}) => ({
  "linear-signature": sign(body),
  "linear-delivery": "d-1",
  "linear-event": "Issue",
  ...extra,
});

describe("Linear webhook verification", () => {
  it("a correctly signed Issue delivery verifies, with its Linear-Delivery id, and is relevant", () => {
    const body = payload();
    expect(verifyLinearWebhook({ headers: headers(body), body }, SECRET, NOW)).toEqual({
      ok: true,
      value: { deliveryId: "d-1", relevant: true },
    });
  });

  it("an uppercase hex signature still verifies", () => {
    const body = payload();
    const h = headers(body, { "linear-signature": sign(body).toUpperCase() });
    expect(verifyLinearWebhook({ headers: h, body }, SECRET, NOW).ok).toBe(true);
  });

  it.each([
    ["a Comment payload", { type: "Comment" }],
    ["a Project payload", { type: "Project" }],
  ])("%s verifies but is not relevant", (_name, fields) => {
    const body = payload(fields);
    const result = verifyLinearWebhook({ headers: headers(body), body }, SECRET, NOW);
    expect(result).toEqual({ ok: true, value: { deliveryId: "d-1", relevant: false } });
  });

  const body = payload();
  const cases: Array<[string, Record<string, string>, Uint8Array, number, string]> = [
    ["a tampered body", headers(body), payload({ action: "remove" }), NOW, "signature mismatch"],
    [
      "the wrong secret",
      headers(body, { "linear-signature": sign(body, "other") }),
      body,
      NOW,
      "signature mismatch",
    ],
    [
      "a missing signature header",
      { "linear-delivery": "d-1" },
      body,
      NOW,
      "missing Linear-Signature header",
    ],
    [
      "a stale timestamp",
      headers(body),
      body,
      NOW + LINEAR_REPLAY_WINDOW_MS + 1,
      "webhookTimestamp outside the replay window",
    ],
    [
      "a timestamp from the future",
      headers(body),
      body,
      NOW - LINEAR_REPLAY_WINDOW_MS - 1,
      "webhookTimestamp outside the replay window",
    ],
  ];
  it.each(cases)("%s is rejected", (_name, h, b, now, reason) => {
    expect(verifyLinearWebhook({ headers: h, body: b }, SECRET, now)).toEqual({ ok: false, error: reason });
  });

  it("a signed body without webhookTimestamp is rejected (no replay protection possible)", () => {
    const b = Buffer.from(JSON.stringify({ type: "Issue" }));
    expect(verifyLinearWebhook({ headers: headers(b), body: b }, SECRET, NOW)).toEqual({
      ok: false,
      error: "missing webhookTimestamp",
    });
  });

  it("a delivery at the edge of the 60 s window is accepted", () => {
    const b = payload();
    expect(
      verifyLinearWebhook({ headers: headers(b), body: b }, SECRET, NOW + LINEAR_REPLAY_WINDOW_MS).ok,
    ).toBe(true);
  });
});
