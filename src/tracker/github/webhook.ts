import type { Result } from "../../domain/result.js";
import type { WebhookRequest, WebhookVerdict } from "../adapter.js";
import { checkPrefixedSha256, headerOf } from "../webhook-signature.js";

/** `X-GitHub-Event` values that can change what the tracker reports about issues. */
export const GITHUB_ISSUE_EVENTS: ReadonlySet<string> = new Set([
  "issues",
  "issue_comment",
  "label",
  "sub_issues",
]);

/**
 * Verifies a GitHub webhook: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`,
 * `X-GitHub-Delivery` is the delivery id; issue, comment, label and sub-issue events are relevant
 * (`ping` and everything else are not). GitHub sends no timestamp, so there is no replay window.
 */
export function verifyGithubWebhook(request: WebhookRequest, secret: string): Result<WebhookVerdict, string> {
  const checked = checkPrefixedSha256(request, "x-hub-signature-256", secret);
  if (!checked.ok) return checked;
  const event = headerOf(request, "x-github-event");
  return {
    ok: true,
    value: {
      deliveryId: headerOf(request, "x-github-delivery"),
      relevant: event !== null && GITHUB_ISSUE_EVENTS.has(event),
    },
  };
}
