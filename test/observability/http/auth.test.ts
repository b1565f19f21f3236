import { describe, expect, it } from "vitest";
import { isLoopbackHost, tokenMatches } from "../../../src/observability/http/auth.js";

describe("bind address and bearer token checks", () => {
  it.each([
    ["127.0.0.1", true],
    ["127.8.9.10", true],
    ["localhost", true],
    ["::1", true],
    ["[::1]", true],
    ["::ffff:127.0.0.1", true],
    ["0.0.0.0", false],
    ["::", false],
    ["192.168.1.5", false],
    ["example.com", false],
    ["::ffff:10.0.0.1", false],
  ])("isLoopbackHost(%s) is %s", (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });

  it("accepts the bearer header or the query token, nothing else", () => {
    expect(tokenMatches("t0k", "Bearer t0k", undefined)).toBe(true);
    expect(tokenMatches("t0k", "bearer   t0k", undefined)).toBe(true);
    expect(tokenMatches("t0k", undefined, "t0k")).toBe(true);
    expect(tokenMatches("t0k", "Bearer nope", "t0k")).toBe(false); // a wrong header is not rescued by the query
    expect(tokenMatches("t0k", "Basic t0k", undefined)).toBe(false);
    expect(tokenMatches("t0k", undefined, "")).toBe(false);
    expect(tokenMatches("t0k", undefined, undefined)).toBe(false);
  });
});
