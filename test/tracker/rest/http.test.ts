import { describe, expect, it } from "vitest";
import { type RestResponse, retryAfterMs, statusError } from "../../../src/tracker/rest/http.js";

const NOW = Date.parse("2026-03-01T12:00:00Z");
const signals = { remainingHeader: "x-ratelimit-remaining", resetHeader: "x-ratelimit-reset" };
const response = (status: number, headers: Record<string, string>, text = ""): RestResponse => ({
  status,
  headers: new Headers(headers),
  text,
  json: text === "" ? undefined : JSON.parse(text),
});

describe("rate-limit waits", () => {
  it("Retry-After in seconds", () => {
    expect(retryAfterMs(new Headers({ "retry-after": "2.5" }), "x-ratelimit-reset", NOW)).toBe(2500);
  });
  it("Retry-After as an HTTP date", () => {
    const headers = new Headers({ "retry-after": "Sun, 01 Mar 2026 12:00:40 GMT" });
    expect(retryAfterMs(headers, "x-ratelimit-reset", NOW)).toBe(40_000);
  });
  it("falls back to the epoch-seconds reset header, never negative", () => {
    expect(
      retryAfterMs(new Headers({ "x-ratelimit-reset": String(NOW / 1000 + 9) }), "x-ratelimit-reset", NOW),
    ).toBe(9000);
    expect(retryAfterMs(new Headers({ "x-ratelimit-reset": "1" }), "x-ratelimit-reset", NOW)).toBe(0);
    expect(retryAfterMs(new Headers({ "retry-after": "soon" }), "x-ratelimit-reset", NOW)).toBeUndefined();
  });
});

describe("status → category", () => {
  const cases: [number, Record<string, string>, string, boolean][] = [
    [429, {}, "tracker_rate_limited", true],
    [403, { "x-ratelimit-remaining": "0" }, "tracker_rate_limited", true],
    [403, { "retry-after": "60" }, "tracker_rate_limited", true],
    [403, { "x-ratelimit-remaining": "10" }, "tracker_auth", false],
    [401, {}, "tracker_auth", false],
    [404, {}, "tracker_status", false],
    [422, {}, "tracker_status", false],
    [503, {}, "tracker_status", true],
  ];
  for (const [status, headers, category, retryable] of cases) {
    it(`${status} ${JSON.stringify(headers)} → ${category}`, () => {
      expect(statusError(response(status, headers), "P", signals, NOW)).toMatchObject({
        category,
        retryable,
        status,
      });
    });
  }
  it("the provider's message is kept short and on one line", () => {
    const long = JSON.stringify({ message: `bad\n${"x".repeat(500)}` });
    const error = statusError(response(500, {}, long), "P", signals, NOW);
    expect(error.message.startsWith("P answered HTTP 500: bad x")).toBe(true);
    expect(error.message.length).toBeLessThan(260);
  });
});
