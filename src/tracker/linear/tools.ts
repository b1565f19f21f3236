import { GraphQLError, Kind, parse } from "graphql";
import type { AgentToolSpec, ToolResult } from "../../domain/agent-event.js";
import type { TrackerError } from "../../domain/errors.js";
import { messageOf } from "../../domain/errors.js";
import type { LinearClient } from "./client.js";
import { graphqlErrors } from "./client.js";

/** The one provider-native tool: raw GraphQL against Linear with Symphony's credentials. */
export const LINEAR_GRAPHQL_TOOL: AgentToolSpec = {
  name: "linear_graphql",
  description:
    "Run exactly one GraphQL query or mutation against Linear's API using Symphony's configured credentials " +
    "(you never see the token). Use it to read the issue, comment (commentCreate) or move it to another " +
    "workflow state (issueUpdate with a stateId). Success means the response had no top-level GraphQL errors.",
  inputSchema: {
    type: "object",
    additionalProperties: false,
    required: ["query"],
    properties: {
      query: { type: "string", description: "One GraphQL document with exactly one operation." },
      variables: {
        type: ["object", "null"],
        additionalProperties: true,
        description: "Variables for the operation, if it declares any.",
      },
    },
  },
};

/** Why the tool refused its input before any network call. */
type InputProblem = { readonly kind: "invalid_input"; readonly message: string };

interface ToolCall {
  readonly query: string;
  readonly variables: Readonly<Record<string, unknown>> | null;
  readonly operationName: string | null;
}

function failure(output: unknown): ToolResult {
  return { success: false, output };
}

function inputFailure(message: string): ToolResult {
  const problem: InputProblem = { kind: "invalid_input", message };
  return failure({ error: problem });
}

function trackerFailure(error: TrackerError): ToolResult {
  return failure({
    error: {
      kind: error.category,
      message: error.message,
      retryable: error.retryable,
      ...(error.status === undefined ? {} : { status: error.status }),
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    },
  });
}

/** Checks the arguments: a bare query string or `{query, variables?}`, one operation, parseable. */
export function parseToolInput(args: unknown): ToolCall | InputProblem {
  let query: unknown;
  let variables: unknown = null;
  if (typeof args === "string") {
    query = args;
  } else if (typeof args === "object" && args !== null && !Array.isArray(args)) {
    ({ query, variables = null } = args as { query?: unknown; variables?: unknown });
  } else {
    return { kind: "invalid_input", message: "linear_graphql expects {query, variables?} or a query string" };
  }
  if (typeof query !== "string" || query.trim() === "") {
    return { kind: "invalid_input", message: "linear_graphql requires a non-empty `query` string" };
  }
  if (variables !== null && (typeof variables !== "object" || Array.isArray(variables))) {
    return { kind: "invalid_input", message: "linear_graphql `variables` must be an object or null" };
  }
  let document: ReturnType<typeof parse>;
  try {
    document = parse(query);
  } catch (cause) {
    const detail = cause instanceof GraphQLError ? cause.message : messageOf(cause);
    return { kind: "invalid_input", message: `linear_graphql could not parse the query: ${detail}` };
  }
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1) {
    const names = operations.map((o) => o.name?.value ?? "(anonymous)").join(", ");
    return {
      kind: "invalid_input",
      message:
        `linear_graphql runs exactly one operation per call; the document has ${operations.length}` +
        (names === "" ? "" : ` (${names})`),
    };
  }
  return {
    query,
    variables: variables as Readonly<Record<string, unknown>> | null,
    operationName: operations[0]?.name?.value ?? null,
  };
}

/**
 * Executes one `linear_graphql` call. Never throws: bad input, transport failures and GraphQL
 * errors all come back as `success: false` with output the agent can read (GraphQL bodies whole).
 */
export async function executeLinearGraphql(
  client: LinearClient,
  args: unknown,
  signal: AbortSignal,
): Promise<ToolResult> {
  try {
    const call = parseToolInput(args);
    if ("kind" in call) return inputFailure(call.message);
    const reply = await client.post(call.query, call.variables, call.operationName, signal);
    if (!reply.ok) return trackerFailure(reply.error);
    const { status, body } = reply.value;
    if (status < 200 || status >= 300) return failure({ httpStatus: status, body });
    return { success: graphqlErrors(body).length === 0 && hasData(body), output: body };
  } catch (cause) {
    return failure({ error: { kind: "internal", message: messageOf(cause) } });
  }
}

// A 2xx body with neither `errors` nor a `data` object is not a GraphQL response.
function hasData(body: unknown): boolean {
  return typeof body === "object" && body !== null && "data" in body;
}
