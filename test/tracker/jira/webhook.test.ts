import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyJiraWebhook } from "../../../src/tracker/jira/webhook.js";

const SECRET = "jira-secret";
const bodyOf = (event: string) =>
  Buffer.from(JSON.stringify({ webhookEvent: event, issue: { key: "PRJ-1" } }));
const sign = (b: Uint8Array, secret = SECRET) =>
  `sha256=${createHmac("sha256", secret).update(b).digest("hex")}`;
const headers = (b: Uint8Array, extra: Record<string, string> = {}) => ({
  "x-hub-signature": sign(b),
  "x-atlassian-webhook-identifier": "jira-delivery-9",
  ...extra,
});

describe("Jira webhook verification", () => {
  it.each([
    ["jira:issue_created", true],
    ["jira:issue_updated", true],
    ["jira:issue_deleted", true],
    ["comment_created", true],
    ["issuelink_deleted", true],
    ["project_created", false],
    ["sprint_started", false],
  ])("a signed %s verifies; relevant=%s", (event, relevant) => {
    const body = bodyOf(event);
    expect(verifyJiraWebhook({ headers: headers(body), body }, SECRET)).toEqual({
      ok: true,
      value: { deliveryId: "jira-delivery-9", relevant },
    });
  });

  const body = bodyOf("jira:issue_updated");
  const cases: Array<[string, Record<string, string>, Uint8Array, string]> = [
    ["a tampered body", headers(body), bodyOf("jira:issue_deleted"), "signature mismatch"],
    ["the wrong secret", headers(body, { "x-hub-signature": sign(body, "x") }), body, "signature mismatch"],
    [
      "a missing X-Hub-Signature",
      { "x-atlassian-webhook-identifier": "d" },
      body,
      "missing x-hub-signature header",
    ],
    ["a non-sha256 signature", { "x-hub-signature": "md5=abc" }, body, "x-hub-signature is not sha256=<hex>"],
  ];
  it.each(cases)("%s is rejected", (_name, h, b, reason) => {
    expect(verifyJiraWebhook({ headers: h, body: b }, SECRET)).toEqual({ ok: false, error: reason });
  });
});
