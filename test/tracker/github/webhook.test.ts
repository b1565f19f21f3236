import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyGithubWebhook } from "../../../src/tracker/github/webhook.js";

const SECRET = "gh-secret";
const body = Buffer.from(JSON.stringify({ action: "closed", issue: { number: 7 } }));
const sign = (b: Uint8Array, secret = SECRET) =>
  `sha256=${createHmac("sha256", secret).update(b).digest("hex")}`;
const headers = (event: string, extra: Record<string, string> = {}) => ({
  "x-hub-signature-256": sign(body),
  "x-github-event": event,
  "x-github-delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
  ...extra,
});

describe("GitHub webhook verification", () => {
  it.each([
    ["issues", true],
    ["issue_comment", true],
    ["label", true],
    ["sub_issues", true],
    ["ping", false],
    ["push", false],
    ["pull_request", false],
  ])("a signed %s event verifies; relevant=%s", (event, relevant) => {
    expect(verifyGithubWebhook({ headers: headers(event), body }, SECRET)).toEqual({
      ok: true,
      value: { deliveryId: "72d3162e-cc78-11e3-81ab-4c9367dc0958", relevant },
    });
  });

  const cases: Array<[string, Record<string, string>, Uint8Array, string]> = [
    ["a tampered body", headers("issues"), Buffer.from('{"action":"opened"}'), "signature mismatch"],
    [
      "the wrong secret",
      headers("issues", { "x-hub-signature-256": sign(body, "nope") }),
      body,
      "signature mismatch",
    ],
    [
      "a missing X-Hub-Signature-256",
      { "x-github-event": "issues" },
      body,
      "missing x-hub-signature-256 header",
    ],
    [
      "a legacy sha1 signature only",
      { "x-hub-signature-256": `sha1=${createHmac("sha1", SECRET).update(body).digest("hex")}` },
      body,
      "x-hub-signature-256 is not sha256=<hex>",
    ],
  ];
  it.each(cases)("%s is rejected", (_name, h, b, reason) => {
    expect(verifyGithubWebhook({ headers: h, body: b }, SECRET)).toEqual({ ok: false, error: reason });
  });

  it("a delivery without X-GitHub-Delivery verifies with a null id (not de-duplicated)", () => {
    const { "x-github-delivery": _, ...h } = headers("issues");
    expect(verifyGithubWebhook({ headers: h, body }, SECRET)).toEqual({
      ok: true,
      value: { deliveryId: null, relevant: true },
    });
  });
});
