import { createAnthropic } from "@ai-sdk/anthropic";
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModel } from "ai";
import type { BuiltinBackendConfig } from "./settings.js";

/**
 * Builds the language model named by `builtin.provider` / `builtin.model`.
 * `openai` uses the Chat Completions API (the same wire format `openai-compatible` speaks);
 * a null `api_key` sends no key (local servers such as Ollama need none).
 */
export function buildLanguageModel(config: BuiltinBackendConfig): LanguageModel {
  const model = config.model;
  if (model === null || model.trim() === "") throw new Error("builtin.model is required");
  const auth = config.apiKey === null ? {} : { apiKey: config.apiKey };
  const base = config.baseUrl === null ? {} : { baseURL: config.baseUrl };
  switch (config.provider) {
    case "openai":
      return createOpenAI({ ...auth, ...base }).chat(model);
    case "anthropic":
      return createAnthropic({ ...auth, ...base })(model);
    case "google":
      return createGoogleGenerativeAI({ ...auth, ...base })(model);
    case "openai-compatible": {
      if (config.baseUrl === null) throw new Error("builtin.base_url is required for openai-compatible");
      return createOpenAICompatible({
        name: "openai-compatible",
        baseURL: config.baseUrl,
        includeUsage: true,
        ...auth,
      }).chatModel(model);
    }
    default: {
      const _exhaustive: never = config.provider;
      throw new Error(`unknown builtin.provider ${String(_exhaustive)}`);
    }
  }
}
