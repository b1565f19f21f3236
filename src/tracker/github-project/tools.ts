import { GraphQLError, Kind, parse } from "graphql";
import type { AgentToolSpec, ToolResult } from "../../domain/agent-event.js";
import { messageOf } from "../../domain/errors.js";
import { type GithubGraphqlClient, graphqlErrors } from "./client.js";

/** The provider-native tool: one GraphQL document against GitHub with Symphony's token. */
export const GITHUB_GRAPHQL_TOOL: AgentToolSpec = {
  name: "github_graphql",
  description:
    "Run exactly one GraphQL query or mutation against GitHub's GraphQL API with Symphony's credentials " +
    "(you never see the token). Use it to read the project item, comment (addComment with the issue's " +
    "node id) or move the item (updateProjectV2ItemFieldValue with the Status field's option id). " +
    "Success means the response had data and no top-level GraphQL errors.",
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

/** A checked tool call, or why the input was refused before any request. */
export type GraphqlToolInput =
  | {
      readonly kind: "call";
      readonly query: string;
      readonly variables: Readonly<Record<string, unknown>> | null;
      readonly operationName: string | null;
    }
  | { readonly kind: "invalid_input"; readonly message: string };

/** Checks the arguments: `{query, variables?}` or a bare query string, one parseable operation. */
export function parseGraphqlToolInput(args: unknown): GraphqlToolInput {
  const bad = (message: string): GraphqlToolInput => ({
    kind: "invalid_input",
    message: `github_graphql ${message}`,
  });
  const record =
    typeof args === "object" && args !== null && !Array.isArray(args)
      ? (args as Record<string, unknown>)
      : null;
  const query = typeof args === "string" ? args : record?.query;
  const variables = record?.variables ?? null;
  if (typeof query !== "string" || query.trim() === "") return bad("requires a non-empty `query` string");
  if (variables !== null && (typeof variables !== "object" || Array.isArray(variables))) {
    return bad("`variables` must be an object or null");
  }
  let operations: readonly { readonly name?: { readonly value: string } }[];
  try {
    operations = parse(query).definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  } catch (cause) {
    return bad(
      `could not parse the query: ${cause instanceof GraphQLError ? cause.message : messageOf(cause)}`,
    );
  }
  if (operations.length !== 1)
    return bad(`runs exactly one operation per call; the document has ${operations.length}`);
  return {
    kind: "call",
    query,
    variables: variables as Readonly<Record<string, unknown>> | null,
    operationName: operations[0]?.name?.value ?? null,
  };
}

/** Executes one `github_graphql` call; every failure is a `success: false` result the agent can read. */
export async function executeGithubGraphql(
  client: GithubGraphqlClient,
  args: unknown,
  signal: AbortSignal,
): Promise<ToolResult> {
  try {
    const call = parseGraphqlToolInput(args);
    if (call.kind === "invalid_input") return { success: false, output: { error: call } };
    const reply = await client.post(call.query, call.variables, call.operationName, signal);
    if (!reply.ok) {
      const { category, message, retryable, retryAfterMs } = reply.error;
      return { success: false, output: { error: { kind: category, message, retryable, retryAfterMs } } };
    }
    const { status, body } = reply.value;
    if (status < 200 || status >= 300) return { success: false, output: { httpStatus: status, body } };
    const hasData = typeof body === "object" && body !== null && "data" in body;
    return { success: hasData && graphqlErrors(body).length === 0, output: body };
  } catch (cause) {
    return { success: false, output: { error: { kind: "internal", message: messageOf(cause) } } };
  }
}
