import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A scripted failure for the next matching request of a fake REST server. */
export type Fault =
  | {
      readonly kind: "status";
      readonly status: number;
      readonly headers?: Record<string, string>;
      readonly body?: unknown;
    }
  | { readonly kind: "malformed_json" }
  | { readonly kind: "hang" };

/** One request as the fake saw it (the authorization header is kept to prove where the token went). */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly authorization: string | undefined;
  readonly body: unknown;
}

/** A reply a route handler returns. */
export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/** A routed request: method, path, query and the parsed JSON body (undefined when none or unparsable). */
export type Handler = (request: SeenRequest) => Reply;

/** A loopback HTTP server with a fault queue, a request log and hang tracking. */
export interface FakeHttp {
  readonly url: string;
  readonly requests: SeenRequest[];
  /** Queues a fault for the next request whose path contains `pathPart` (any request when omitted). */
  failNext(fault: Fault, pathPart?: string): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, reply: Reply, extraHeaders: Record<string, string>): void {
  const headers = { ...extraHeaders, ...reply.headers };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers).end();
    return;
  }
  res
    .writeHead(reply.status, { "content-type": "application/json", ...headers })
    .end(JSON.stringify(reply.body));
}

/** Starts a fake on 127.0.0.1:0; `handle` serves requests that pass the auth check and have no fault queued. */
export async function startFakeHttp(options: {
  readonly authorized: (authorization: string | undefined) => boolean;
  readonly unauthorized: Reply;
  readonly handle: Handler;
  /** Headers added to every reply (rate-limit figures). */
  readonly headers?: () => Record<string, string>;
}): Promise<FakeHttp> {
  const requests: SeenRequest[] = [];
  const faults: Array<{ fault: Fault; pathPart: string | undefined }> = [];
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const seen: SeenRequest = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        authorization: req.headers.authorization,
        body: await readBody(req),
      };
      requests.push(seen);
      const extra = options.headers?.() ?? {};
      const index = faults.findIndex((f) => f.pathPart === undefined || seen.path.includes(f.pathPart));
      const queued = index >= 0 ? faults.splice(index, 1)[0] : undefined;
      if (queued !== undefined) {
        const fault = queued.fault;
        if (fault.kind === "hang") {
          hanging.add(res);
          res.on("close", () => hanging.delete(res));
          return;
        }
        if (fault.kind === "malformed_json") {
          res.writeHead(200, { "content-type": "application/json", ...extra }).end('{"issues": [');
          return;
        }
        send(
          res,
          { status: fault.status, body: fault.body, ...(fault.headers ? { headers: fault.headers } : {}) },
          extra,
        );
        return;
      }
      if (!options.authorized(seen.authorization)) {
        send(res, options.unauthorized, extra);
        return;
      }
      send(res, options.handle(seen), extra);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext(fault, pathPart) {
      faults.push({ fault, pathPart });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
