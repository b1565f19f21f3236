import type { AgentToolSpec, ToolResult } from "../domain/agent-event.js";
import type { TrackerError } from "../domain/errors.js";
import type { ProviderReply } from "./rest-errors.js";

/** HTTP methods the raw REST tools accept (no PATCH: neither Jira v3 nor Asana use it). */
export const REST_TOOL_METHODS = ["GET", "POST", "PUT", "DELETE"] as const;

/** A method the raw REST tools accept. */
export type RestToolMethod = (typeof REST_TOOL_METHODS)[number];

/** A validated raw REST tool call. */
export interface RestToolCall {
  readonly method: RestToolMethod;
  /** Starts with the tool's prefix; no query, fragment, dot segments or control characters. */
  readonly path: string;
  readonly query: ReadonlyArray<readonly [string, string]>;
  /** JSON body, or undefined when none was given (or null). */
  readonly body: unknown;
}

/** Why a call was refused before any request; carries the offending value. */
export interface RestToolRefusal {
  readonly kind: "invalid_input" | "path_out_of_scope";
  readonly message: string;
  readonly path?: string;
}

/** The JSON Schema shared by `jira_rest` and `asana_api` (their descriptions differ). */
export function restToolSchema(pathHint: string): Readonly<Record<string, unknown>> {
  return {
    type: "object",
    additionalProperties: false,
    required: ["method", "path"],
    properties: {
      method: { type: "string", enum: [...REST_TOOL_METHODS] },
      path: { type: "string", description: pathHint },
      query: {
        type: ["object", "null"],
        additionalProperties: { type: ["string", "number", "boolean"] },
        description: "Query parameters (scalar values).",
      },
      body: { description: "JSON request body for POST/PUT." },
    },
  };
}

/** Builds a tool spec with the shared schema. */
export function restToolSpec(name: string, description: string, pathHint: string): AgentToolSpec {
  return { name, description, inputSchema: restToolSchema(pathHint) };
}

// Raw or percent-encoded dot segments would let a path climb out of the allowed prefix.
const DOT_SEGMENT = /(^|\/)(\.|%2e){1,2}(\/|$)/i;

/** Validates `{method, path, query?, body?}`; `prefix` is the path prefix the tool is confined to. */
export function parseRestToolArgs(
  args: unknown,
  tool: string,
  prefix: string,
): RestToolCall | RestToolRefusal {
  const invalid = (message: string): RestToolRefusal => ({
    kind: "invalid_input",
    message: `${tool}: ${message}`,
  });
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    return invalid("expects an object {method, path, query?, body?}");
  }
  const { method, path, query, body, ...rest } = args as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return invalid(`unknown fields: ${Object.keys(rest).join(", ")}`);
  if (typeof method !== "string") return invalid("`method` must be one of GET, POST, PUT, DELETE");
  const upper = method.trim().toUpperCase();
  if (!(REST_TOOL_METHODS as readonly string[]).includes(upper)) {
    return invalid(`\`method\` must be one of GET, POST, PUT, DELETE, got ${JSON.stringify(method)}`);
  }
  if (typeof path !== "string" || path.trim() === "") return invalid("`path` must be a non-empty string");
  const p = path.trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f\s\\]/.test(p))
    return invalid("`path` must not contain whitespace, control characters or backslashes");
  if (p.includes("://") || !p.startsWith("/"))
    return invalid("`path` must be a path starting with `/`, not a URL");
  if (p.includes("?") || p.includes("#"))
    return invalid("`path` must not carry a query or fragment; use `query`");
  // an encoded separator could become a segment boundary (or a dot segment) on the server side
  if (DOT_SEGMENT.test(p) || p.includes("//") || /%2f|%5c/i.test(p)) {
    return {
      kind: "path_out_of_scope",
      message: `${tool}: \`path\` must not contain dot, empty or encoded-separator segments`,
      path: p,
    };
  }
  if (!p.startsWith(prefix)) {
    return { kind: "path_out_of_scope", message: `${tool}: \`path\` must start with ${prefix}`, path: p };
  }
  const pairs: Array<readonly [string, string]> = [];
  if (query !== undefined && query !== null) {
    if (typeof query !== "object" || Array.isArray(query))
      return invalid("`query` must be an object or null");
    for (const [key, value] of Object.entries(query as Record<string, unknown>)) {
      if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
        return invalid(`\`query.${key}\` must be a string, number or boolean`);
      }
      pairs.push([key, String(value)]);
    }
  }
  return { method: upper as RestToolMethod, path: p, query: pairs, body: body ?? undefined };
}

/** The tool result for a reply: `{status, body}`, success only for 2xx. */
export function restToolResult(reply: ProviderReply): ToolResult {
  return {
    success: reply.status >= 200 && reply.status < 300,
    output: { status: reply.status, body: reply.body },
  };
}

/** The tool result for a refused call. */
export function refusalResult(refusal: RestToolRefusal): ToolResult {
  return { success: false, output: { error: refusal } };
}

/** The tool result for a transport failure (timeout, connection refused, abort). */
export function transportFailureResult(error: TrackerError): ToolResult {
  return { success: false, output: { error: { kind: error.category, message: error.message } } };
}
