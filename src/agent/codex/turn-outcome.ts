import type { AgentError, AgentErrorCategory } from "../../domain/errors.js";
import type { RpcFailure } from "./rpc-connection.js";

type Obj = Readonly<Record<string, unknown>>;

function obj(value: unknown): Obj | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Obj) : null;
}

/** The HTTP status codex attached to a model error (`{someVariant: {httpStatusCode}}`), if any. */
function httpStatusOf(info: unknown): number | null {
  const o = obj(info);
  if (o === null) return null;
  for (const v of Object.values(o)) {
    const status = obj(v)?.httpStatusCode;
    if (typeof status === "number") return status;
  }
  return null;
}

/** Maps a failed turn's `turn.error` (message + `codexErrorInfo`) to a typed category. */
export function failedTurnCategory(error: unknown): AgentErrorCategory {
  const info = obj(error)?.codexErrorInfo;
  if (typeof info === "string") {
    switch (info) {
      case "internalServerError":
        return "model_server_error";
      case "unauthorized":
        return "model_auth";
      case "contextWindowExceeded":
        return "context_overflow";
      case "usageLimitExceeded":
        return "model_rate_limited";
      default:
        return "turn_failed";
    }
  }
  const status = httpStatusOf(info);
  if (status === 429) return "model_rate_limited";
  if (status === 401 || status === 403) return "model_auth";
  if (status !== null && status >= 500) return "model_server_error";
  return "turn_failed";
}

/** The message of a failed turn's error. */
export function failedTurnMessage(error: unknown): string {
  const message = obj(error)?.message;
  return typeof message === "string" && message !== "" ? message : "turn failed";
}

/** Converts a request failure into an AgentError (`response_timeout`, `response_error`, `process_exit`). */
export function rpcError(failure: RpcFailure): AgentError {
  switch (failure.kind) {
    case "timeout":
      return {
        category: "response_timeout",
        message: `no response to ${failure.method} within ${failure.timeoutMs}ms`,
      };
    case "error":
      return {
        category: "response_error",
        message: `${failure.method} failed: ${failure.message} (code ${failure.code})`,
      };
    case "closed":
      return { category: "process_exit", message: `codex exited before answering ${failure.method}` };
    default: {
      const _exhaustive: never = failure;
      throw new Error(`unhandled ${JSON.stringify(_exhaustive)}`);
    }
  }
}
