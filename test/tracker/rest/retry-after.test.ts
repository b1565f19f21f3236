import { describe, expect, it } from "vitest";
import { parseRetryAfter, retryAfterMs } from "../../../src/tracker/rest/retry-after.js";

const NOW = Date.parse("2026-03-01T12:00:00Z");

describe("the one Retry-After parser", () => {
  it.each([
    ["20", 20_000],
    ["0.5", 500],
    ["2.5", 2_500],
    [new Date(NOW + 30_000).toUTCString(), 30_000],
    [new Date(NOW - 30_000).toUTCString(), 0],
    ["soon", undefined],
    [null, undefined],
  ])("Retry-After %j → %j ms", (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  it.each([
    [{ "retry-after": "5" }, undefined, 5_000],
    [{ "retry-after": "Sun, 01 Mar 2026 12:00:40 GMT" }, "x-ratelimit-reset", 40_000],
    [{ "x-ratelimit-reset": "2026-03-01T12:01:00Z" }, "x-ratelimit-reset", 60_000],
    [{ "x-ratelimit-reset": String(NOW / 1000 + 9) }, "x-ratelimit-reset", 9_000],
    [{ "x-ratelimit-reset": "1" }, "x-ratelimit-reset", 0],
    [{ "retry-after": "soon" }, "x-ratelimit-reset", undefined],
    [{ "x-ratelimit-reset": "9" }, undefined, undefined],
    [{}, "x-ratelimit-reset", undefined],
  ])("headers %j (reset header %s) → %j ms", (headers, reset, expected) => {
    expect(retryAfterMs(new Headers(headers), NOW, reset)).toBe(expected);
  });
});
