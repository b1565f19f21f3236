import { randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import type { ToolResult } from "../../domain/agent-event.js";
import { messageOf } from "../../domain/errors.js";
import type { Issue } from "../../domain/issue.js";
import type { ToolBinding } from "../../tracker/adapter.js";

/** The MCP server name agents see (Claude Code calls its tools `mcp__symphony__<tool>`). */
export const TOOL_SERVER_NAME = "symphony";
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** A running per-session MCP server on loopback serving one issue's tracker tools. */
export interface ToolServer {
  /** `http://127.0.0.1:<port>/mcp` (Streamable HTTP). */
  readonly url: string;
  /** The bearer token every request must carry; a secret, never logged. */
  readonly token: string;
  /** Tool names served. */
  readonly tools: readonly string[];
  /** Stops accepting requests and closes open connections. */
  close(): Promise<void>;
}

/** What the server needs: the session's bound tools, the issue they are scoped to, the session signal. */
export interface ToolServerOptions {
  readonly tools: ToolBinding;
  readonly issue: Issue;
  readonly signal: AbortSignal;
  readonly version?: string;
}

function toText(output: unknown): string {
  if (typeof output === "string") return output;
  try {
    return JSON.stringify(output) ?? "null";
  } catch {
    return String(output);
  }
}

function authorised(req: IncomingMessage, expected: Buffer): boolean {
  const header = req.headers.authorization ?? "";
  const match = /^Bearer (.+)$/.exec(header);
  if (match?.[1] === undefined) return false;
  const given = Buffer.from(match[1], "utf8");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error("request body too large");
    chunks.push(chunk as Buffer);
  }
  const raw = Buffer.concat(chunks).toString("utf8");
  return raw === "" ? undefined : JSON.parse(raw);
}

/** One MCP protocol server for one HTTP request (stateless Streamable HTTP: no session to keep). */
function mcpServer(options: ToolServerOptions): Server {
  const server = new Server(
    { name: TOOL_SERVER_NAME, version: options.version ?? "0.1.0" },
    { capabilities: { tools: {} } },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: options.tools.specs.map((spec) => ({
      name: spec.name,
      description: spec.description,
      inputSchema: { type: "object" as const, ...spec.inputSchema },
    })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    let result: ToolResult;
    try {
      // the issue is fixed by the session: a tool call can only ever act on the issue being worked
      result = await options.tools.execute(request.params.name, request.params.arguments ?? {}, {
        issue: options.issue,
        signal: options.signal,
      });
    } catch (cause) {
      result = { success: false, output: { error: { message: messageOf(cause) } } };
    }
    return { content: [{ type: "text" as const, text: toText(result.output) }], isError: !result.success };
  });
  return server;
}

async function handle(req: IncomingMessage, res: ServerResponse, options: ToolServerOptions): Promise<void> {
  if (req.method !== "POST") {
    // stateless: no server-initiated stream (GET) and no session to end (DELETE)
    res.writeHead(405, { allow: "POST" }).end();
    return;
  }
  let body: unknown;
  try {
    body = await readBody(req);
  } catch (cause) {
    res
      .writeHead(400, { "content-type": "application/json" })
      .end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32700, message: messageOf(cause) }, id: null }));
    return;
  }
  const server = mcpServer(options);
  // no sessionIdGenerator: stateless mode, every POST stands alone
  const transport = new StreamableHTTPServerTransport({ enableJsonResponse: true });
  res.on("close", () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res, body);
}

/**
 * Serves the session's tracker tools over MCP (Streamable HTTP) on 127.0.0.1 with a random per-session
 * bearer token. Every call is bound to `options.issue`; the agent never names the issue it acts on.
 */
export async function startToolServer(options: ToolServerOptions): Promise<ToolServer> {
  const token = randomBytes(24).toString("base64url");
  const expected = Buffer.from(token, "utf8");
  const http = createServer((req, res) => {
    if ((req.url ?? "").split("?")[0] !== "/mcp") {
      res.writeHead(404).end();
      return;
    }
    if (!authorised(req, expected)) {
      res.writeHead(401, { "www-authenticate": "Bearer" }).end();
      return;
    }
    handle(req, res, options).catch((cause: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(messageOf(cause));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    token,
    tools: options.tools.specs.map((s) => s.name),
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
