import { APICallError, LoadAPIKeyError, RetryError } from "ai";
import { describe, expect, it } from "vitest";
import { mapModelError } from "../../../src/agent/builtin/model-errors.js";

function apiError(statusCode: number, responseBody = "{}", responseHeaders: Record<string, string> = {}) {
  return new APICallError({
    message: "call failed",
    url: "http://127.0.0.1/v1/chat/completions",
    requestBodyValues: {},
    statusCode,
    responseBody,
    responseHeaders,
  });
}

describe("provider error mapping", () => {
  it.each([
    [apiError(401), "model_auth"],
    [apiError(403), "model_auth"],
    [apiError(429), "model_rate_limited"],
    [apiError(500), "model_server_error"],
    [apiError(503), "model_server_error"],
    [apiError(529), "model_server_error"],
    [apiError(200), "model_server_error"],
    [apiError(413), "context_overflow"],
    [apiError(400, '{"error":{"message":"too long","code":"context_length_exceeded"}}'), "context_overflow"],
    [
      apiError(
        400,
        '{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 9 > 8"}}',
      ),
      "context_overflow",
    ],
    [apiError(400, '{"error":{"message":"unknown parameter"}}'), "response_error"],
    [new LoadAPIKeyError({ message: "missing key" }), "model_auth"],
    [new TypeError("fetch failed"), "model_server_error"],
  ] as const)("%#: maps to %s", (error, category) => {
    expect(mapModelError(error, false).category).toBe(category);
  });

  it("reads retry-after (seconds, ms, HTTP date) into retryAfterMs", () => {
    const now = Date.UTC(2026, 0, 1);
    expect(mapModelError(apiError(429, "{}", { "retry-after": "2" }), false, now).retryAfterMs).toBe(2_000);
    expect(mapModelError(apiError(429, "{}", { "retry-after-ms": "1500" }), false, now).retryAfterMs).toBe(
      1_500,
    );
    const date = new Date(now + 30_000).toUTCString();
    expect(mapModelError(apiError(429, "{}", { "retry-after": date }), false, now).retryAfterMs).toBe(30_000);
    expect(mapModelError(apiError(429), false, now)).not.toHaveProperty("retryAfterMs");
  });

  it("unwraps the SDK's RetryError to its last error", () => {
    const wrapped = new RetryError({
      message: "retries",
      reason: "maxRetriesExceeded",
      errors: [apiError(500), apiError(401)],
    });
    expect(mapModelError(wrapped, false).category).toBe("model_auth");
  });

  it("an abort wins over whatever error the abort caused", () => {
    expect(mapModelError(apiError(500), true).category).toBe("turn_cancelled");
  });

  it("the message carries the provider's own error message", () => {
    expect(mapModelError(apiError(500, '{"error":{"message":"overloaded now"}}'), false).message).toContain(
      "overloaded now",
    );
  });
});
