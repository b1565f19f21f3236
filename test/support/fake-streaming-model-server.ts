import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One scripted tool call; `args` as a string is sent verbatim (so a test can send malformed JSON). */
export interface ScriptedToolCall {
  readonly name: string;
  readonly args: unknown;
  readonly id?: string;
}

/** Token counts the fake reports for one response. */
export interface ScriptedUsage {
  readonly input: number;
  readonly output: number;
}

/** What the fake model does for one request. */
export type ScriptedReply =
  /** A plain streamed answer. */
  | { readonly kind: "text"; readonly text: string; readonly usage?: ScriptedUsage }
  /** Streamed tool calls (optionally after some text); the client runs them and calls again. */
  | {
      readonly kind: "tool_calls";
      readonly calls: readonly ScriptedToolCall[];
      readonly text?: string;
      readonly usage?: ScriptedUsage;
    }
  /** An HTTP error with the provider's error body. */
  | {
      readonly kind: "error";
      readonly status: number;
      readonly message: string;
      readonly headers?: Readonly<Record<string, string>>;
      /** Provider error code/type (OpenAI `code`, Anthropic `error.type`). */
      readonly code?: string;
    }
  /** Starts streaming `text`, then destroys the connection before the stream ends. */
  | { readonly kind: "cut"; readonly text: string }
  /** Streams `text` one character every `chunkDelayMs` (for cancellation tests). */
  | { readonly kind: "slow"; readonly text: string; readonly chunkDelayMs: number };

/** A request the fake received, body parsed. */
export interface RecordedRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  // biome-ignore lint/suspicious/noExplicitAny: a recorded provider request body, inspected loosely by tests
  readonly body: any;
}

/** A script: replies in order, or a function of the request (0-based index). */
export type Script = readonly ScriptedReply[] | ((request: RecordedRequest, index: number) => ScriptedReply);

/** Wire-format specifics of one provider. */
export interface WireFormat {
  /** Path suffix the provider posts to, e.g. `/chat/completions`. */
  readonly endpoint: string;
  /** SSE frames for a streamed reply, in order. */
  frames(reply: Extract<ScriptedReply, { kind: "text" | "tool_calls" }>, request: RecordedRequest): string[];
  /** The first frames of a text stream (for `cut` and `slow`), the per-character frame, and the closing frames. */
  textParts(request: RecordedRequest): {
    readonly open: string[];
    readonly delta: (text: string) => string;
    readonly close: string[];
  };
  /** JSON error body for a status. */
  errorBody(reply: Extract<ScriptedReply, { kind: "error" }>): unknown;
}

/** Options of a fake model server. */
export interface FakeModelServerOptions {
  /** Headers added to every successful response (e.g. rate-limit headers). */
  readonly responseHeaders?: Readonly<Record<string, string>>;
}

/** A running fake model server on 127.0.0.1. */
export interface FakeModelServer {
  /** Base URL to give the provider (`http://127.0.0.1:PORT/v1`). */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Connections whose client went away before the reply finished. */
  readonly abortedResponses: () => number;
  close(): Promise<void>;
}

/** Starts a loopback fake of a streaming model API speaking `format`, answering from `script`. */
export async function startFakeModelServer(
  format: WireFormat,
  script: Script,
  options: FakeModelServerOptions = {},
): Promise<FakeModelServer> {
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let aborted = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const record: RecordedRequest = {
        path: req.url ?? "",
        headers: req.headers,
        body: raw === "" ? null : JSON.parse(raw),
      };
      // the query string is not part of the route (Claude Code posts to `/v1/messages?beta=true`)
      if (req.method !== "POST" || !(record.path.split("?")[0] ?? "").endsWith(format.endpoint)) {
        res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"message":"not found"}}');
        return;
      }
      const index = requests.length;
      requests.push(record);
      const reply = typeof script === "function" ? script(record, index) : script[index];
      if (reply === undefined) {
        const body = format.errorBody({
          kind: "error",
          status: 500,
          message: `fake: no reply scripted for #${index}`,
        });
        res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify(body));
        return;
      }
      res.on("close", () => {
        if (!res.writableFinished) aborted++;
      });
      respond(format, reply, record, res, options, timers);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    abortedResponses: () => aborted,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function respond(
  format: WireFormat,
  reply: ScriptedReply,
  request: RecordedRequest,
  res: ServerResponse,
  options: FakeModelServerOptions,
  timers: Set<NodeJS.Timeout>,
): void {
  const sse = {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    ...options.responseHeaders,
  };
  switch (reply.kind) {
    case "text":
    case "tool_calls":
      res.writeHead(200, sse);
      for (const frame of format.frames(reply, request)) res.write(frame);
      res.end();
      return;
    case "error":
      res
        .writeHead(reply.status, { "content-type": "application/json", ...reply.headers })
        .end(JSON.stringify(format.errorBody(reply)));
      return;
    case "cut": {
      const parts = format.textParts(request);
      res.writeHead(200, sse);
      for (const frame of parts.open) res.write(frame);
      res.write(parts.delta(reply.text), () => res.destroy());
      return;
    }
    case "slow": {
      const parts = format.textParts(request);
      res.writeHead(200, sse);
      for (const frame of parts.open) res.write(frame);
      let i = 0;
      const tick = () => {
        if (res.destroyed) return;
        if (i >= reply.text.length) {
          for (const frame of parts.close) res.write(frame);
          res.end();
          return;
        }
        res.write(parts.delta(reply.text[i++] as string));
        const timer = setTimeout(() => {
          timers.delete(timer);
          tick();
        }, reply.chunkDelayMs);
        timers.add(timer);
      };
      tick();
      return;
    }
    default: {
      const _exhaustive: never = reply;
      throw new Error(`unknown reply ${JSON.stringify(_exhaustive)}`);
    }
  }
}

/** Splits a string into a few pieces, so streamed deltas really arrive in parts. */
export function pieces(text: string, count = 3): string[] {
  if (text.length <= count) return [text];
  const size = Math.ceil(text.length / count);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** The JSON text of scripted tool arguments (strings pass through verbatim). */
export function argsText(args: unknown): string {
  return typeof args === "string" ? args : JSON.stringify(args);
}
