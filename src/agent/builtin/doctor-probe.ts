import { streamText } from "ai";
import { type CheckResult, result } from "../../domain/doctor-finding.js";
import { mapModelError } from "./model-errors.js";
import { buildLanguageModel } from "./provider.js";
import type { BuiltinBackendConfig } from "./settings.js";

const MODEL_FIX: Readonly<Record<string, string>> = {
  model_auth: "the model provider rejected the key: check builtin.api_key and its variable",
  model_rate_limited: "the model provider is rate limiting this key: wait or raise the quota",
  model_server_error: "the model endpoint failed or is unreachable: check builtin.base_url and the network",
};

/** One tiny request to the configured model (`symphony doctor --deep`); errors reported by category. */
export async function askModel(builtin: BuiltinBackendConfig, signal: AbortSignal): Promise<CheckResult> {
  let failure: unknown = null;
  try {
    const stream = streamText({
      model: buildLanguageModel(builtin),
      prompt: "Reply with the single word OK.",
      maxOutputTokens: 16,
      maxRetries: 0,
      abortSignal: signal,
      onError: ({ error }) => {
        failure ??= error;
      },
    });
    await stream.consumeStream();
    if (failure === null) await stream.text;
  } catch (cause) {
    failure ??= cause;
  }
  if (failure !== null) {
    const error = mapModelError(failure, signal.aborted);
    const message =
      builtin.apiKey === null ? error.message : error.message.split(builtin.apiKey).join("[redacted]");
    return result("agent model", "fail", `${error.category}: ${message}`, MODEL_FIX[error.category]);
  }
  return result("agent model", "ok", `${builtin.provider} model ${builtin.model ?? ""} answered`);
}
