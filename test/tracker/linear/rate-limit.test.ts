import { describe, expect, it } from "vitest";
import { exhaustedUntil, readRateLimitHeaders } from "../../../src/tracker/linear/rate-limit.js";

const NOW = Date.UTC(2026, 0, 1);

describe("Linear rate-limit headers", () => {
  it("reads both buckets; reset headers in epoch seconds or milliseconds become epoch ms", () => {
    const headers = new Headers({
      "X-RateLimit-Requests-Limit": "5000",
      "X-RateLimit-Requests-Remaining": "4999",
      "X-RateLimit-Requests-Reset": String(NOW / 1000 + 60),
      "X-RateLimit-Complexity-Limit": "250000",
      "X-RateLimit-Complexity-Remaining": "249000",
      "X-RateLimit-Complexity-Reset": String(NOW + 120_000),
      "X-Complexity": "1000",
    });
    expect(readRateLimitHeaders(headers, NOW)).toEqual({
      requestsLimit: 5000,
      requestsRemaining: 4999,
      requestsResetAt: NOW + 60_000,
      complexityLimit: 250_000,
      complexityRemaining: 249_000,
      complexityResetAt: NOW + 120_000,
      lastQueryComplexity: 1000,
      observedAt: NOW,
    });
  });

  it("no rate-limit headers → null; junk values are skipped", () => {
    expect(readRateLimitHeaders(new Headers({ "content-type": "application/json" }), NOW)).toBeNull();
    expect(readRateLimitHeaders(new Headers({ "X-RateLimit-Requests-Remaining": "lots" }), NOW)).toBeNull();
  });

  it("an exhausted bucket waits until its reset; the later of two exhausted buckets wins", () => {
    const base = { observedAt: NOW, requestsRemaining: 10, requestsResetAt: NOW + 5_000 };
    expect(exhaustedUntil(base, NOW)).toBeUndefined();
    expect(exhaustedUntil({ ...base, requestsRemaining: 0 }, NOW)).toBe(NOW + 5_000);
    expect(
      exhaustedUntil(
        { ...base, requestsRemaining: 0, complexityRemaining: 0, complexityResetAt: NOW + 9_000 },
        NOW,
      ),
    ).toBe(NOW + 9_000);
    expect(exhaustedUntil({ ...base, requestsRemaining: 0, requestsResetAt: NOW - 1 }, NOW)).toBeUndefined();
  });
});
