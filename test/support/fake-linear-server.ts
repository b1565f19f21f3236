import { existsSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSchema, type DocumentNode, execute, type GraphQLSchema, parse, validate } from "graphql";
import { type FakeLinearIssue, FakeLinearStore } from "./fake-linear-store.js";

export type { FakeLinearComment, FakeLinearIssue } from "./fake-linear-store.js";
export { FAKE_STATES } from "./fake-linear-store.js";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Where Linear's real public schema is: `$LINEAR_SCHEMA_PATH`, else the copy vendored beside this file. */
export function linearSchemaPath(): string {
  const fromEnv = process.env.LINEAR_SCHEMA_PATH;
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  const vendored = join(REPO_ROOT, "test", "support", "linear", "schema.graphql");
  if (!existsSync(vendored))
    throw new Error(`Linear schema not found at ${vendored}; set LINEAR_SCHEMA_PATH`);
  return vendored;
}

let schemaCache: GraphQLSchema | null = null;

/** The real Linear schema, built once per process. */
export function linearSchema(): GraphQLSchema {
  schemaCache ??= buildSchema(readFileSync(linearSchemaPath(), "utf8"));
  return schemaCache;
}

/** A scripted misbehaviour for the next request(s). */
export type FakeLinearFault =
  | { readonly kind: "graphql_errors"; readonly errors: readonly object[]; readonly status?: number }
  | {
      readonly kind: "status";
      readonly status: number;
      readonly body?: string;
      readonly headers?: Readonly<Record<string, string>>;
    }
  | { readonly kind: "hang" }
  | { readonly kind: "malformed_json" }
  | { readonly kind: "raw"; readonly body: unknown; readonly status?: number };

/** One request as the fake received it. */
export interface FakeLinearRequest {
  readonly operationName: string | null;
  readonly query: string;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly authorization: string | null;
}

/** Rate-limit figures the fake reports in headers on every answered request. */
export interface FakeRateLimitState {
  requestsLimit: number;
  requestsRemaining: number;
  complexityLimit: number;
  complexityRemaining: number;
  /** Epoch ms. */
  resetAt: number;
}

/** A loopback Linear: the real schema executed by graphql-js over an in-memory store. */
export interface FakeLinearServer {
  /** GraphQL endpoint URL (`http://127.0.0.1:<port>/graphql`). */
  readonly url: string;
  readonly apiKey: string;
  readonly store: FakeLinearStore;
  readonly requests: FakeLinearRequest[];
  readonly rateLimit: FakeRateLimitState;
  /** GraphQL executions and response-cache hits so far. */
  readonly stats: { executions: number; cacheHits: number };
  /** Queues a fault for the next `times` requests (after auth). */
  failNext(fault: FakeLinearFault, times?: number): void;
  /** Closes the server and every connection, including hung ones. */
  close(): Promise<void>;
}

/** Options for {@link startFakeLinearServer}. */
export interface FakeLinearOptions {
  readonly apiKey?: string;
  /** Serve an identical request body from a cache until the store is written (benchmarks). */
  readonly cacheResponses?: boolean;
}

/** Starts a fake Linear on 127.0.0.1:0. */
export async function startFakeLinearServer(options: FakeLinearOptions = {}): Promise<FakeLinearServer> {
  const schema = linearSchema();
  const apiKey = options.apiKey ?? "lin_api_fake_key";
  const store = new FakeLinearStore();
  const requests: FakeLinearRequest[] = [];
  const faults: FakeLinearFault[] = [];
  const sockets = new Set<Socket>();
  const hung = new Set<ServerResponse>();
  const cache = new Map<string, { status: number; text: string }>();
  const documents = new Map<string, DocumentNode | readonly Error[]>();
  const stats = { executions: 0, cacheHits: 0 };
  const rateLimit: FakeRateLimitState = {
    requestsLimit: 5_000,
    requestsRemaining: 5_000,
    complexityLimit: 250_000,
    complexityRemaining: 250_000,
    resetAt: Date.now() + 3_600_000,
  };

  const send = (res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}) => {
    rateLimit.requestsRemaining = Math.max(0, rateLimit.requestsRemaining - 1);
    res.writeHead(status, {
      "content-type": "application/json",
      "x-ratelimit-requests-limit": String(rateLimit.requestsLimit),
      "x-ratelimit-requests-remaining": String(rateLimit.requestsRemaining),
      "x-ratelimit-requests-reset": String(rateLimit.resetAt),
      "x-ratelimit-complexity-limit": String(rateLimit.complexityLimit),
      "x-ratelimit-complexity-remaining": String(rateLimit.complexityRemaining),
      "x-ratelimit-complexity-reset": String(rateLimit.resetAt),
      "x-complexity": "1",
      ...headers,
    });
    res.end(text);
  };

  const parseDocument = (query: string): DocumentNode | readonly Error[] => {
    let document = documents.get(query);
    if (document === undefined) {
      try {
        const parsed = parse(query);
        const errors = validate(schema, parsed);
        document = errors.length > 0 ? errors : parsed;
      } catch (cause) {
        document = [cause as Error];
      }
      documents.set(query, document);
    }
    return document;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, raw: string) => {
    if (req.method !== "POST" || new URL(req.url ?? "/", "http://x").pathname !== "/graphql") {
      return send(res, 404, JSON.stringify({ errors: [{ message: "not found" }] }));
    }
    let payload: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      payload = JSON.parse(raw);
    } catch {
      return send(res, 400, JSON.stringify({ errors: [{ message: "body is not JSON" }] }));
    }
    const query = typeof payload.query === "string" ? payload.query : "";
    const variables = (payload.variables ?? {}) as Record<string, unknown>;
    const operationName = typeof payload.operationName === "string" ? payload.operationName : null;
    const authorization = req.headers.authorization ?? null;
    requests.push({ operationName, query, variables, authorization });
    if (authorization !== apiKey) {
      return send(
        res,
        401,
        JSON.stringify({
          errors: [{ message: "Authentication required", extensions: { code: "AUTHENTICATION_ERROR" } }],
        }),
      );
    }
    const fault = faults.shift();
    if (fault !== undefined) {
      switch (fault.kind) {
        case "hang":
          hung.add(res);
          return;
        case "malformed_json":
          return send(res, 200, '{"data": {"issues": ');
        case "status":
          return send(res, fault.status, fault.body ?? "", fault.headers ?? {});
        case "graphql_errors":
          return send(res, fault.status ?? 200, JSON.stringify({ data: null, errors: fault.errors }));
        case "raw":
          return send(res, fault.status ?? 200, JSON.stringify(fault.body));
        default: {
          const _exhaustive: never = fault;
          return _exhaustive;
        }
      }
    }
    const cacheKey = options.cacheResponses === true ? raw : null;
    const cached = cacheKey === null ? undefined : cache.get(cacheKey);
    if (cached !== undefined) {
      stats.cacheHits += 1;
      return send(res, cached.status, cached.text);
    }
    const document = parseDocument(query);
    if (Array.isArray(document)) {
      const errors = (document as readonly Error[]).map((e) => ({
        message: e.message,
        extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
      }));
      return send(res, 400, JSON.stringify({ errors }));
    }
    const isMutation = (document as DocumentNode).definitions.some(
      (d) => d.kind === "OperationDefinition" && d.operation === "mutation",
    );
    stats.executions += 1;
    const result = await execute({
      schema,
      document: document as DocumentNode,
      rootValue: store.root(),
      variableValues: variables,
      operationName,
    });
    const text = JSON.stringify(result);
    if (!isMutation && cacheKey !== null) cache.set(cacheKey, { status: 200, text });
    send(res, 200, text);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      handle(req, res, Buffer.concat(chunks).toString("utf8")).catch((cause: unknown) => {
        send(res, 500, JSON.stringify({ errors: [{ message: `fake Linear crashed: ${String(cause)}` }] }));
      });
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  store.onChange = () => cache.clear();

  return {
    url: `http://127.0.0.1:${port}/graphql`,
    apiKey,
    store,
    requests,
    rateLimit,
    stats,
    failNext(fault, times = 1) {
      for (let i = 0; i < times; i += 1) faults.push(fault);
    },
    async close() {
      for (const res of hung) res.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let sequence = 0;

/** A well-formed fake issue; `patch` overrides any field. */
export function fakeIssue(
  patch: Partial<FakeLinearIssue> & { readonly number?: number } = {},
): FakeLinearIssue {
  sequence += 1;
  const n = patch.number ?? sequence;
  const { number: _ignored, ...rest } = patch;
  return {
    id: `issue-${n}`,
    identifier: `FAKE-${n}`,
    title: `Issue ${n}`,
    description: `Description of issue ${n}`,
    priority: 2,
    stateName: "Todo",
    projectSlug: "proj-slug",
    assigneeId: null,
    labels: [],
    blockedBy: [],
    relatedTo: [],
    createdAt: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
    updatedAt: new Date(Date.UTC(2026, 0, 2) + n * 1000).toISOString(),
    ...rest,
  };
}
