import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A scripted failure the fake server answers with instead of the real route. */
export type FakeFault =
  | {
      readonly kind: "status";
      readonly status: number;
      readonly body?: string;
      readonly headers?: Record<string, string>;
    }
  | { readonly kind: "hang" }
  | { readonly kind: "malformed" }
  /** Answer normally but replace the `Link` header (paging integrity tests). */
  | { readonly kind: "link"; readonly link: string }
  /** Answer normally but replace (or with null remove) one response header. */
  | { readonly kind: "header"; readonly name: string; readonly value: string | null };

/** One request as the fake server saw it. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage["headers"];
  readonly body: unknown;
}

/** What a provider route returns. */
export interface RouteReply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

/** A provider's routes over its in-memory store; null → 404. */
export type FakeRouter = (request: SeenRequest, baseUrl: string) => RouteReply | null;

/** A loopback HTTP server with a request log and a queue of faults (each applies to one request). */
export interface FakeRestServer {
  readonly url: string;
  readonly requests: SeenRequest[];
  /** Queues a fault for the next request whose path contains `pathPart` (any request when omitted). */
  fault(fault: FakeFault, pathPart?: string, times?: number): void;
  close(): Promise<void>;
}

/** Starts a fake REST server on 127.0.0.1:0; `authorised` checks the auth header of each request. */
export async function startFakeRestServer(
  router: FakeRouter,
  authorised: (headers: IncomingMessage["headers"]) => boolean,
  unauthorisedBody: unknown,
): Promise<FakeRestServer> {
  const requests: SeenRequest[] = [];
  const faults: { fault: FakeFault; pathPart: string | undefined }[] = [];
  let baseUrl = "";

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let body: unknown;
    try {
      body = text === "" ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    const url = new URL(req.url ?? "/", baseUrl);
    const seen: SeenRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
    };
    requests.push(seen);
    const index = faults.findIndex((f) => f.pathPart === undefined || req.url?.includes(f.pathPart));
    const fault = index >= 0 ? faults.splice(index, 1)[0]?.fault : undefined;
    if (fault?.kind === "hang") return; // never answers; close() drops the socket
    if (fault?.kind === "status") {
      res.writeHead(fault.status, { "content-type": "application/json", ...fault.headers });
      res.end(fault.body ?? JSON.stringify({ message: `fault ${fault.status}` }));
      return;
    }
    if (fault?.kind === "malformed") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"not json');
      return;
    }
    if (!authorised(req.headers)) {
      res.writeHead(401, { "content-type": "application/json" });
      res.end(JSON.stringify(unauthorisedBody));
      return;
    }
    const reply = router(seen, baseUrl) ?? { status: 404, body: { message: "404 Not Found" } };
    const headers: Record<string, string> = { "content-type": "application/json", ...reply.headers };
    if (fault?.kind === "link") headers.link = fault.link;
    if (fault?.kind === "header") {
      if (fault.value === null) delete headers[fault.name];
      else headers[fault.name] = fault.value;
    }
    res.writeHead(reply.status, headers);
    res.end(reply.body === undefined ? "" : JSON.stringify(reply.body));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: baseUrl,
    requests,
    fault(fault, pathPart, times = 1) {
      for (let i = 0; i < times; i += 1) faults.push({ fault, pathPart });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Splits a list into one page of `perPage` items (1-based `page`). */
export function pageOf<T>(items: readonly T[], page: number, perPage: number): T[] {
  return items.slice((page - 1) * perPage, page * perPage);
}
