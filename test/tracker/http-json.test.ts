import { describe, expect, it } from "vitest";
import { pickHeaders, retryAfterMs, statusError } from "../../src/tracker/http-json.js";

const now = Date.parse("2026-01-01T00:00:00Z");

describe("REST error mapping helpers", () => {
  it.each([
    [{ "retry-after": "5" }, undefined, 5_000],
    [{ "retry-after": "1.5" }, undefined, 1_500],
    [{ "retry-after": "Thu, 01 Jan 2026 00:00:30 GMT" }, undefined, 30_000],
    [{ "x-ratelimit-reset": "2026-01-01T00:01:00Z" }, "x-ratelimit-reset", 60_000],
    [{ "x-ratelimit-reset": String(now / 1000 + 10) }, "x-ratelimit-reset", 10_000],
    [{ "retry-after": "soon" }, undefined, undefined],
    [{}, "x-ratelimit-reset", undefined],
  ])("retryAfterMs(%j, %s) = %s", (headers, reset, expected) => {
    expect(retryAfterMs(new Headers(headers), now, reset)).toBe(expected);
  });

  it.each([
    [429, "tracker_rate_limited", true],
    [401, "tracker_auth", false],
    [403, "tracker_auth", false],
    [404, "tracker_status", false],
    [400, "tracker_status", false],
    [500, "tracker_status", true],
    [503, "tracker_status", true],
  ])("HTTP %i → %s (retryable %s)", (status, category, retryable) => {
    const error = statusError({ status, headers: new Headers(), body: null, json: true }, "Jira", "x", now);
    expect(error).toMatchObject({ category, retryable, status });
  });

  it("a 503 with Retry-After keeps the wait; provider messages are included, single-line", () => {
    const error = statusError(
      {
        status: 503,
        headers: new Headers({ "retry-after": "3" }),
        body: { errors: [{ message: "busy\nnow" }] },
        json: true,
      },
      "Asana",
      "task",
      now,
    );
    expect(error).toMatchObject({
      retryAfterMs: 3_000,
      message: "Asana answered HTTP 503 on task: busy now",
    });
  });

  it("pickHeaders keeps only the named headers present, or null", () => {
    const headers = new Headers({ "x-ratelimit-remaining": "9", other: "x" });
    expect(pickHeaders(headers, ["x-ratelimit-remaining", "retry-after"])).toEqual({
      "x-ratelimit-remaining": "9",
    });
    expect(pickHeaders(headers, ["retry-after"])).toBeNull();
  });
});
