import { describe, expect, it } from "vitest";
import { type ForbiddenRule, statusError } from "../../../src/tracker/rest/status-error.js";

const NOW = Date.parse("2026-03-01T12:00:00Z");
const quota: ForbiddenRule = { kind: "quota_or_auth", remainingHeader: "x-ratelimit-remaining" };
const auth: ForbiddenRule = { kind: "auth" };
const reply = (status: number, headers: Record<string, string> = {}, body: unknown = null) => ({
  status,
  headers: new Headers(headers),
  body,
});

describe("the one status → error mapper", () => {
  it.each([
    // GitHub / GitLab: a 403 that says the quota is spent is rate limiting
    [quota, 429, {}, "tracker_rate_limited", true],
    [quota, 403, { "x-ratelimit-remaining": "0" }, "tracker_rate_limited", true],
    [quota, 403, { "retry-after": "60" }, "tracker_rate_limited", true],
    [quota, 403, { "x-ratelimit-remaining": "10" }, "tracker_auth", false],
    // Jira / Asana: a 403 is always a permission problem, whatever the headers say
    [auth, 403, { "x-ratelimit-remaining": "0" }, "tracker_auth", false],
    [auth, 403, { "retry-after": "60" }, "tracker_auth", false],
    [auth, 429, {}, "tracker_rate_limited", true],
    [auth, 401, {}, "tracker_auth", false],
    [auth, 404, {}, "tracker_status", false],
    [quota, 422, {}, "tracker_status", false],
    [auth, 400, {}, "tracker_status", false],
    [quota, 500, {}, "tracker_status", true],
    [auth, 503, {}, "tracker_status", true],
  ] as const)(
    "rule %j: HTTP %i %j → %s (retryable %s)",
    (forbidden, status, headers, category, retryable) => {
      const error = statusError(reply(status, headers), { provider: "P", forbidden }, NOW);
      expect(error).toMatchObject({ category, retryable, status });
    },
  );

  it("keeps the wait the provider asked for: Retry-After, else the reset header", () => {
    const limited = statusError(
      reply(429, { "x-ratelimit-reset": String(NOW / 1000 + 9) }),
      { provider: "P", forbidden: quota, resetHeader: "x-ratelimit-reset" },
      NOW,
    );
    expect(limited.retryAfterMs).toBe(9_000);
    const busy = statusError(reply(503, { "retry-after": "3" }), { provider: "P", forbidden: auth }, NOW);
    expect(busy.retryAfterMs).toBe(3_000);
  });

  it("includes the provider's message, short and on one line, whichever shape it comes in", () => {
    const asana = statusError(
      reply(503, {}, { errors: [{ message: "busy\nnow" }] }),
      { provider: "Asana", forbidden: auth },
      NOW,
      "task",
    );
    expect(asana.message).toBe("Asana answered HTTP 503 on task: busy now");
    const jira = statusError(
      reply(400, {}, { errorMessages: ["bad jql"], errors: { jql: "unknown field" } }),
      { provider: "Jira", forbidden: auth },
      NOW,
    );
    expect(jira.message).toBe("Jira answered HTTP 400: bad jql; jql: unknown field");
    const github = statusError(
      reply(500, {}, { message: `bad\n${"x".repeat(500)}` }),
      { provider: "GitHub", forbidden: quota },
      NOW,
    );
    expect(github.message.startsWith("GitHub answered HTTP 500: bad x")).toBe(true);
    expect(github.message.length).toBeLessThan(260);
  });
});
