import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { GITLAB_SIGNED_REPLAY_WINDOW_MS, verifyGitlabWebhook } from "../../../src/tracker/gitlab/webhook.js";

const TOKEN = "gl-token";
const NOW = Date.UTC(2026, 0, 1, 12);
const issueBody = Buffer.from(
  JSON.stringify({ object_kind: "issue", object_attributes: { action: "close" } }),
);
const pushBody = Buffer.from(JSON.stringify({ object_kind: "push" }));
const tokenHeaders = (event: string, extra: Record<string, string> = {}) => ({
  "x-gitlab-token": TOKEN,
  "x-gitlab-event": event,
  "idempotency-key": "idem-1",
  ...extra,
});

// Standard Webhooks: key = base64 after whsec_, signature = v1,<base64 HMAC of "id.ts.body">
const KEY = Buffer.from("standard-webhooks-key-32-bytes!!");
const SIGNING_SECRET = `whsec_${KEY.toString("base64")}`;
const signed = (body: Uint8Array, seconds = NOW / 1000, key = KEY) => {
  const id = "msg_2b1";
  const mac = createHmac("sha256", key)
    .update(Buffer.concat([Buffer.from(`${id}.${seconds}.`), body]))
    .digest("base64");
  return { "webhook-id": id, "webhook-timestamp": String(seconds), "webhook-signature": `v1,${mac}` };
};

describe("GitLab webhook verification", () => {
  it.each([
    ["Issue Hook", issueBody, true],
    ["Confidential Issue Hook", issueBody, true],
    ["Push Hook", pushBody, false],
    ["Note Hook", Buffer.from('{"object_kind":"note"}'), false],
  ])("X-Gitlab-Token: a %s verifies; relevant=%s", (event, body, relevant) => {
    expect(verifyGitlabWebhook({ headers: tokenHeaders(event), body }, TOKEN, NOW)).toEqual({
      ok: true,
      value: { deliveryId: "idem-1", relevant },
    });
  });

  it("Standard Webhooks: a v1 signature verifies (among several, for key rotation)", () => {
    const h = signed(issueBody);
    const headers = { ...h, "webhook-signature": `v1,AAAA ${h["webhook-signature"]}` };
    expect(verifyGitlabWebhook({ headers, body: issueBody }, SIGNING_SECRET, NOW)).toEqual({
      ok: true,
      value: { deliveryId: "msg_2b1", relevant: true },
    });
  });

  const stale = NOW / 1000 - GITLAB_SIGNED_REPLAY_WINDOW_MS / 1000 - 1;
  const cases: Array<[string, Record<string, string>, Uint8Array, string, string]> = [
    [
      "the wrong token",
      tokenHeaders("Issue Hook", { "x-gitlab-token": "other" }),
      issueBody,
      TOKEN,
      "token mismatch",
    ],
    [
      "no token and no signature",
      { "x-gitlab-event": "Issue Hook" },
      issueBody,
      TOKEN,
      "missing X-Gitlab-Token or webhook-signature header",
    ],
    ["a tampered signed body", signed(issueBody), pushBody, SIGNING_SECRET, "signature mismatch"],
    [
      "a signature with the wrong key",
      signed(issueBody, NOW / 1000, Buffer.from("other")),
      issueBody,
      SIGNING_SECRET,
      "signature mismatch",
    ],
    [
      "a stale webhook-timestamp",
      signed(issueBody, stale),
      issueBody,
      SIGNING_SECRET,
      "webhook-timestamp outside the replay window",
    ],
    [
      "a signature without webhook-id",
      { "webhook-signature": "v1,AAAA" },
      issueBody,
      SIGNING_SECRET,
      "missing webhook-id/webhook-timestamp",
    ],
  ];
  it.each(cases)("%s is rejected", (_name, headers, body, secret, reason) => {
    expect(verifyGitlabWebhook({ headers, body }, secret, NOW)).toEqual({ ok: false, error: reason });
  });
});
