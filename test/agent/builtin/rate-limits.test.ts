import { describe, expect, it } from "vitest";
import { rateLimitsFromHeaders } from "../../../src/agent/builtin/rate-limits.js";

describe("rate-limit headers", () => {
  it("keeps OpenAI and Anthropic rate-limit headers and nothing else", () => {
    expect(
      rateLimitsFromHeaders("anthropic", {
        "anthropic-ratelimit-requests-remaining": "49",
        "x-ratelimit-remaining-tokens": "100",
        "content-type": "text/event-stream",
      }),
    ).toEqual({
      source: "anthropic",
      headers: { "anthropic-ratelimit-requests-remaining": "49", "x-ratelimit-remaining-tokens": "100" },
    });
  });

  it("is null when the provider sent none", () => {
    expect(rateLimitsFromHeaders("openai", { "content-type": "application/json" })).toBeNull();
    expect(rateLimitsFromHeaders("openai", undefined)).toBeNull();
  });
});
