import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { schema as octokitSchema } from "@octokit/graphql-schema";
import { buildSchema, execute, type GraphQLError, type GraphQLSchema, parse, validate } from "graphql";
import { FakeProjectStore } from "./github-project/store.js";

export type { FakeProjectComment, FakeProjectItem } from "./github-project/store.js";

let schemaCache: GraphQLSchema | null = null;

/**
 * GitHub's public GraphQL schema as `@octokit/graphql-schema` ships it, built once per process. The
 * published SDL repeats a few enterprise fields, so graphql-js's SDL self-check is skipped.
 */
export function githubSchema(): GraphQLSchema {
  if (schemaCache === null) {
    schemaCache = buildSchema(octokitSchema.idl, { assumeValidSDL: true });
  }
  return schemaCache;
}

/** One request as the fake received it. */
export interface FakeGraphqlRequest {
  readonly operationName: string | null;
  readonly query: string;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly authorization: string | null;
}

/** A loopback GitHub GraphQL endpoint: the real schema executed over an in-memory Project. */
export interface FakeGithubProjectServer {
  /** `http://127.0.0.1:<port>/graphql`. */
  readonly url: string;
  readonly token: string;
  readonly store: FakeProjectStore;
  readonly requests: FakeGraphqlRequest[];
  /** Answers the next `times` requests with this HTTP status and body (after auth). */
  failNext(status: number, body: unknown, times?: number, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

/** GitHub puts `type` (NOT_FOUND, FORBIDDEN …) at the top level of an error; graphql-js keeps it in extensions. */
function githubError(error: GraphQLError): Record<string, unknown> {
  const json: Record<string, unknown> = { ...error.toJSON() };
  const type = error.extensions?.type;
  return type === undefined ? json : { ...json, type };
}

/** Starts a fake GitHub GraphQL API for project `owner`/`number`, accepting `Authorization: Bearer <token>`. */
export async function startFakeGithubProjectServer(
  options: { readonly owner?: string; readonly number?: number; readonly token?: string } = {},
): Promise<FakeGithubProjectServer> {
  const schema = githubSchema();
  const token = options.token ?? "ghp_fake_project_token";
  const store = new FakeProjectStore(options.owner ?? "acme", options.number ?? 7);
  const requests: FakeGraphqlRequest[] = [];
  const faults: { status: number; body: unknown; headers: Record<string, string> }[] = [];
  const sockets = new Set<Socket>();

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, raw: string) => {
    if (req.method !== "POST" || req.url !== "/graphql") return send(res, 404, { message: "Not Found" });
    let payload: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      payload = JSON.parse(raw);
    } catch {
      return send(res, 400, { message: "Problems parsing JSON" });
    }
    const query = typeof payload.query === "string" ? payload.query : "";
    const variables = (payload.variables ?? {}) as Record<string, unknown>;
    const operationName = typeof payload.operationName === "string" ? payload.operationName : null;
    const authorization = req.headers.authorization ?? null;
    requests.push({ operationName, query, variables, authorization });
    if (authorization !== `Bearer ${token}`) return send(res, 401, { message: "Bad credentials" });
    const fault = faults.shift();
    if (fault !== undefined) return send(res, fault.status, fault.body, fault.headers);
    let document: ReturnType<typeof parse>;
    try {
      document = parse(query);
    } catch (cause) {
      return send(res, 200, { errors: [{ message: (cause as Error).message }] });
    }
    // GitHub answers an invalid document with HTTP 200 and errors, and no data.
    const invalid = validate(schema, document);
    if (invalid.length > 0) return send(res, 200, { errors: invalid.map(githubError) });
    store.rate.remaining = Math.max(0, store.rate.remaining - 1);
    const result = await execute({
      schema,
      document,
      rootValue: store.root(),
      variableValues: variables,
      operationName,
    });
    const body: Record<string, unknown> = { data: result.data ?? null };
    if (result.errors !== undefined) body.errors = result.errors.map(githubError);
    send(res, 200, body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      handle(req, res, Buffer.concat(chunks).toString("utf8")).catch((cause: unknown) =>
        send(res, 500, { message: `fake GitHub crashed: ${String(cause)}` }),
      );
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    token,
    store,
    requests,
    failNext(status, body, times = 1, headers = {}) {
      for (let i = 0; i < times; i += 1) faults.push({ status, body, headers });
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
