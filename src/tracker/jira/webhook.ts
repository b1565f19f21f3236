import type { Result } from "../../domain/result.js";
import type { WebhookRequest, WebhookVerdict } from "../adapter.js";
import { checkPrefixedSha256, headerOf, jsonBody } from "../webhook-signature.js";

const ISSUE_EVENTS: ReadonlySet<string> = new Set([
  "comment_created",
  "comment_updated",
  "comment_deleted",
  "issuelink_created",
  "issuelink_deleted",
]);

/**
 * Verifies a Jira webhook: `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body>` (admin webhooks
 * with a secret), `X-Atlassian-Webhook-Identifier` (stable across retries) is the delivery id;
 * `jira:issue_*`, comment and issue-link events are relevant. Jira sends no signed timestamp.
 */
export function verifyJiraWebhook(request: WebhookRequest, secret: string): Result<WebhookVerdict, string> {
  const checked = checkPrefixedSha256(request, "x-hub-signature", secret);
  if (!checked.ok) return checked;
  const body = jsonBody(request.body);
  const event = body.ok ? body.value.webhookEvent : undefined;
  const relevant = typeof event === "string" && (event.startsWith("jira:issue_") || ISSUE_EVENTS.has(event));
  return {
    ok: true,
    value: { deliveryId: headerOf(request, "x-atlassian-webhook-identifier"), relevant },
  };
}
