import { APICallError, LoadAPIKeyError, RetryError } from "ai";
import type { AgentError } from "../../domain/errors.js";
import { messageOf } from "../../domain/errors.js";
import { retryAfterMs } from "./rate-limits.js";

/**
 * Maps whatever a model call threw into a typed {@link AgentError}, once, at the provider boundary:
 * 401/403 → `model_auth`, 429 → `model_rate_limited` (+ `retryAfterMs`), a prompt over the model's
 * window → `context_overflow`, 5xx/529/network/stream cut → `model_server_error`, abort → `turn_cancelled`.
 */
export function mapModelError(cause: unknown, aborted: boolean, now = Date.now()): AgentError {
  if (aborted) return { category: "turn_cancelled", message: "the turn was cancelled", cause };
  const error = RetryError.isInstance(cause) ? cause.lastError : cause;
  if (LoadAPIKeyError.isInstance(error))
    return { category: "model_auth", message: error.message, cause: error };
  if (APICallError.isInstance(error)) return fromApiCallError(error, now);
  return {
    category: "model_server_error",
    message: `model request failed: ${messageOf(error)}`,
    cause: error,
  };
}

function fromApiCallError(error: APICallError, now: number): AgentError {
  const status = error.statusCode;
  const detail = `${status ?? "no status"}: ${providerMessage(error)}`;
  if (status === 401 || status === 403) {
    return {
      category: "model_auth",
      message: `model provider rejected the credentials (${detail})`,
      cause: error,
    };
  }
  if (status === 429) {
    const wait = retryAfterMs(error.responseHeaders, now);
    return {
      category: "model_rate_limited",
      message: `model provider rate limit (${detail})`,
      ...(wait === undefined ? {} : { retryAfterMs: wait }),
      cause: error,
    };
  }
  if (status === 413 || isContextOverflow(error)) {
    return {
      category: "context_overflow",
      message: `prompt exceeds the model's context window (${detail})`,
      cause: error,
    };
  }
  if (status !== undefined && status >= 200 && status < 300) {
    // the headers said 200 but the body broke off (connection cut, malformed stream)
    return {
      category: "model_server_error",
      message: `model response stream failed (${detail})`,
      cause: error,
    };
  }
  if (status === undefined || status >= 500 || status === 408) {
    return { category: "model_server_error", message: `model provider error (${detail})`, cause: error };
  }
  return {
    category: "response_error",
    message: `model provider refused the request (${detail})`,
    cause: error,
  };
}

/**
 * Providers report an over-long prompt as a plain 400; the body's error code (OpenAI:
 * `context_length_exceeded`) or, where there is no code (Anthropic, Gemini), its message is the
 * only signal there is, so this one function reads it.
 */
function isContextOverflow(error: APICallError): boolean {
  if (error.statusCode !== 400) return false;
  const body = error.responseBody ?? "";
  if (/"code"\s*:\s*"context_length_exceeded"/.test(body)) return true;
  return /prompt is too long|context length|context window|maximum context|exceeds the maximum number of tokens|too many tokens/i.test(
    `${providerMessage(error)} ${body}`,
  );
}

function providerMessage(error: APICallError): string {
  const body = error.responseBody;
  if (body !== undefined) {
    try {
      const parsed = JSON.parse(body) as { error?: { message?: unknown } };
      if (typeof parsed.error?.message === "string") return parsed.error.message.slice(0, 300);
    } catch {
      // not JSON: fall back to the SDK's message
    }
  }
  return error.message.slice(0, 300);
}
