import { describe, expect, it } from "vitest";
import { acceptsGzip } from "../../../src/observability/http/app.js";

// The routes themselves are exercised over a real server in server.test.ts.
describe("content negotiation", () => {
  it.each([
    ["gzip, deflate, br", true],
    ["br;q=1.0, gzip;q=0.8", true],
    ["*", true],
    ["gzip;q=0", false],
    ["identity", false],
    [undefined, false],
  ])("acceptsGzip(%s) is %s", (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});
