import { describe, expect, it } from "vitest";
import { buildLanguageModel } from "../../../src/agent/builtin/provider.js";
import { builtinConfig } from "../../support/builtin-harness.js";

describe("provider construction", () => {
  it.each([
    ["openai", "gpt-5", "openai.chat"],
    ["anthropic", "claude-sonnet-4-5", "anthropic.messages"],
    ["google", "gemini-2.5-pro", "google.generative-ai"],
    ["openai-compatible", "deepseek-chat", "openai-compatible.chat"],
  ] as const)("%s builds a %s model on the %s API", (provider, model, expected) => {
    const built = buildLanguageModel(
      builtinConfig({ provider, model, apiKey: "k", baseUrl: "http://127.0.0.1:9/v1" }),
    ) as { provider: string; modelId: string };
    expect(built.provider).toBe(expected);
    expect(built.modelId).toBe(model);
  });

  it("throws on a missing model or a base_url-less openai-compatible (validate reports these first)", () => {
    expect(() => buildLanguageModel(builtinConfig({ model: null, baseUrl: "http://x" }))).toThrow(/model/);
    expect(() => buildLanguageModel(builtinConfig({ baseUrl: null }))).toThrow(/base_url/);
  });
});
