import type { AgentToolSpec, ToolResult } from "../../domain/agent-event.js";
import type { TrackerError } from "../../domain/errors.js";
import { err, ok, type Result } from "../../domain/result.js";
import type { ToolContext } from "../adapter.js";
import type { RestResponse } from "./http.js";

/** What distinguishes one provider's REST tool (`github_api`, `gitlab_api`). */
export interface RestToolOptions {
  readonly name: string;
  readonly provider: string;
  readonly methods: readonly string[];
  /** Name of the query-parameter field (`params` on GitHub, `query` on GitLab, as in the Elixir reference). */
  readonly queryKey: string;
  /** Where calls may go, for the description (e.g. `/repos/acme/app/...`). */
  readonly scopeHint: string;
  /** Null when `method pathname` (raw, still percent-encoded) is in the configured scope, else why not. */
  readonly checkScope: (pathname: string, method: string, context: ToolContext) => string | null;
}

/** Why a call was refused before any request: bad input, or a path outside the configured scope. */
export type RestToolRefusal =
  | { readonly kind: "invalid_input"; readonly message: string }
  | {
      readonly kind: "out_of_scope";
      readonly message: string;
      readonly path: string;
      readonly scope: string;
    };

/** A validated tool call. */
export interface RestToolCall {
  readonly method: string;
  readonly pathname: string;
  readonly query: URLSearchParams;
  readonly body?: unknown;
}

/** Sends a validated call with the configured auth (the client keeps it on the configured API origin). */
export type RestToolSender = (
  call: RestToolCall,
  signal: AbortSignal,
) => Promise<Result<RestResponse, TrackerError>>;

/** The JSON-schema spec of a provider REST tool. */
export function restToolSpec(options: RestToolOptions, description: string): AgentToolSpec {
  return {
    name: options.name,
    description,
    inputSchema: {
      type: "object",
      additionalProperties: false,
      required: ["method", "path"],
      properties: {
        method: { type: "string", enum: [...options.methods] },
        path: {
          type: "string",
          description: `API path relative to the configured API URL, inside ${options.scopeHint}`,
        },
        [options.queryKey]: {
          type: ["object", "null"],
          description: "Query parameters (strings, numbers, booleans or lists of them).",
          additionalProperties: true,
        },
        body: { description: "JSON request body (not allowed with GET)." },
      },
    },
  };
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const scalar = (v: unknown): v is string | number | boolean =>
  typeof v === "string" || (typeof v === "number" && Number.isFinite(v)) || typeof v === "boolean";

/** Validates raw tool arguments: method, a relative in-scope path without dot segments, query and body. */
export function parseRestToolCall(
  args: unknown,
  options: RestToolOptions,
  context: ToolContext,
): Result<RestToolCall, RestToolRefusal> {
  const invalid = (message: string) => err({ kind: "invalid_input" as const, message });
  if (!isMap(args)) return invalid(`${options.name} expects an object with \`method\` and \`path\`.`);
  const allowed = new Set(["method", "path", options.queryKey, "body"]);
  const unknown = Object.keys(args).filter((k) => !allowed.has(k));
  if (unknown.length > 0) return invalid(`Unknown fields: ${unknown.join(", ")}.`);
  const { method: rawMethod, path, body } = args;
  const rawQuery = args[options.queryKey];
  const method = typeof rawMethod === "string" ? rawMethod.trim().toUpperCase() : "";
  if (!options.methods.includes(method))
    return invalid(`\`method\` must be one of ${options.methods.join(", ")}.`);
  if (typeof path !== "string" || !path.startsWith("/"))
    return invalid("`path` must be a string starting with `/`.");
  // control characters and spaces are refused outright: the URL parser drops tabs and newlines, which
  // could turn an innocent-looking segment into `..`
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  if (/[\u0000-\u0020\u007f\\#]/.test(path) || path.includes("://")) {
    return invalid(
      "`path` must be a relative API path (no scheme, host, fragment, backslash or control characters).",
    );
  }
  const [pathname = "", queryText = ""] = path.split(/\?(.*)/s, 2);
  for (const segment of pathname.slice(1).split("/")) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return invalid("`path` contains an invalid percent-encoding.");
    }
    if (segment === "" || decoded === "." || decoded === "..") {
      return invalid("`path` must not contain empty, `.` or `..` segments.");
    }
  }
  // the path must reach the server exactly as checked (no normalisation by the URL parser)
  if (new URL(pathname, "http://scope.invalid").pathname !== pathname) {
    return invalid("`path` must be in normal form (it changed when parsed as a URL).");
  }
  const outOfScope = options.checkScope(pathname, method, context);
  if (outOfScope !== null) {
    return err({ kind: "out_of_scope", message: outOfScope, path: pathname, scope: options.scopeHint });
  }
  const query = new URLSearchParams(queryText);
  if (rawQuery !== undefined && rawQuery !== null) {
    if (!isMap(rawQuery)) return invalid(`\`${options.queryKey}\` must be an object.`);
    for (const [key, value] of Object.entries(rawQuery)) {
      const values = Array.isArray(value) ? value : [value];
      if (!values.every(scalar)) {
        return invalid(`\`${options.queryKey}.${key}\` must be a string, number, boolean or a list of them.`);
      }
      for (const v of values) query.append(key, String(v));
    }
  }
  if (body !== undefined && method === "GET") return invalid("`body` is not allowed with GET.");
  return ok({ method, pathname, query, ...(body === undefined ? {} : { body }) });
}

/** Runs a REST tool call: `{status, body}` with success = 2xx; refusals and transport failures as errors. */
export async function executeRestTool(
  args: unknown,
  options: RestToolOptions,
  context: ToolContext,
  send: RestToolSender,
): Promise<ToolResult> {
  const call = parseRestToolCall(args, options, context);
  if (!call.ok) return { success: false, output: { error: call.error } };
  const response = await send(call.value, context.signal);
  if (!response.ok) {
    return {
      success: false,
      output: {
        error: {
          kind: response.error.category,
          message: response.error.message,
          retryable: response.error.retryable,
          ...(response.error.retryAfterMs === undefined ? {} : { retryAfterMs: response.error.retryAfterMs }),
        },
      },
    };
  }
  const { status, json, text } = response.value;
  const body = json !== undefined ? json : text === "" ? null : text;
  return { success: status >= 200 && status < 300, output: { status, body } };
}
