import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Token usage the fake reports in `response.completed` (Responses API field names). */
export interface FakeUsage {
  readonly input: number;
  readonly cached?: number;
  readonly output: number;
  readonly reasoning?: number;
}

/** One scripted reply to a `POST /v1/responses`. */
export type ModelReply =
  | { readonly kind: "text"; readonly text: string; readonly usage?: FakeUsage }
  | {
      readonly kind: "function_call";
      readonly name: string;
      readonly args: Readonly<Record<string, unknown>>;
      readonly callId?: string;
      readonly usage?: FakeUsage;
    }
  /** Streams `response.created` and one text delta, then holds the stream open until the client leaves. */
  | { readonly kind: "hang" }
  | {
      readonly kind: "http_error";
      readonly status: number;
      readonly headers?: Readonly<Record<string, string>>;
    };

/** A request codex sent, parsed. */
export interface ModelRequest {
  readonly body: Record<string, unknown>;
  readonly headers: IncomingMessage["headers"];
  /** Text of the last `user` message in `input`. */
  readonly lastUserText: string;
  /** `output` of the last `function_call_output` item, when the request ends with one. */
  readonly lastToolOutput: unknown;
  /** True when the last input item is a `function_call_output` (the model is being told a tool result). */
  readonly afterToolCall: boolean;
}

/** Decides the reply to each model request. */
export type ModelScript = (request: ModelRequest, index: number) => ModelReply;

/** A running fake model server. */
export interface FakeModelServer {
  /** `http://127.0.0.1:PORT/v1` — the provider `base_url`. */
  readonly baseUrl: string;
  readonly requests: ModelRequest[];
  /** Sum of the usage figures the fake reported so far. */
  readonly reported: { input: number; output: number; total: number };
  close(): Promise<void>;
}

const DEFAULT_USAGE: FakeUsage = { input: 100, cached: 0, output: 20, reasoning: 0 };

/** Starts a loopback Responses-API-over-SSE model that codex can be pointed at. */
export async function startFakeModelServer(script: ModelScript): Promise<FakeModelServer> {
  const requests: ModelRequest[] = [];
  const reported = { input: 0, output: 0, total: 0 };
  const open = new Set<ServerResponse>();
  let seq = 0;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method !== "POST" || !(req.url ?? "").endsWith("/responses")) {
        res.writeHead(404).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
      const request = describe(body, req.headers);
      const index = requests.length;
      requests.push(request);
      const reply = script(request, index);
      if (reply.kind === "http_error") {
        res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
        res.end(JSON.stringify({ error: { message: `fake status ${reply.status}`, type: "server_error" } }));
        return;
      }
      open.add(res);
      res.on("close", () => open.delete(res));
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      const id = `resp_${++seq}`;
      const send = (type: string, data: Record<string, unknown>): void => {
        res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
      };
      send("response.created", { response: { id, status: "in_progress", output: [] } });
      if (reply.kind === "hang") {
        const item = {
          type: "message",
          id: `msg_${seq}`,
          role: "assistant",
          status: "in_progress",
          content: [],
        };
        send("response.output_item.added", { output_index: 0, item });
        send("response.output_text.delta", {
          item_id: item.id,
          output_index: 0,
          content_index: 0,
          delta: "Thinking",
        });
        return; // held open until the client disconnects or the server closes
      }
      const usage = reply.usage ?? DEFAULT_USAGE;
      const total = usage.input + usage.output;
      reported.input += usage.input;
      reported.output += usage.output;
      reported.total += total;
      let item: Record<string, unknown>;
      if (reply.kind === "text") {
        item = {
          type: "message",
          id: `msg_${seq}`,
          role: "assistant",
          status: "completed",
          content: [{ type: "output_text", text: reply.text, annotations: [] }],
        };
        send("response.output_item.added", { output_index: 0, item: { ...item, content: [] } });
        send("response.output_text.delta", {
          item_id: item.id,
          output_index: 0,
          content_index: 0,
          delta: reply.text,
        });
      } else {
        item = {
          type: "function_call",
          id: `fc_${seq}`,
          call_id: reply.callId ?? `call_${seq}`,
          name: reply.name,
          arguments: JSON.stringify(reply.args),
          status: "completed",
        };
        send("response.output_item.added", { output_index: 0, item });
      }
      send("response.output_item.done", { output_index: 0, item });
      send("response.completed", {
        response: {
          id,
          status: "completed",
          output: [item],
          usage: {
            input_tokens: usage.input,
            input_tokens_details: { cached_tokens: usage.cached ?? 0 },
            output_tokens: usage.output,
            output_tokens_details: { reasoning_tokens: usage.reasoning ?? 0 },
            total_tokens: total,
          },
        },
      });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    reported,
    async close() {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function describe(body: Record<string, unknown>, headers: IncomingMessage["headers"]): ModelRequest {
  const input = Array.isArray(body.input) ? (body.input as Record<string, unknown>[]) : [];
  let lastUserText = "";
  for (const item of input) {
    if (item.type === "message" && item.role === "user" && Array.isArray(item.content)) {
      const texts = (item.content as Record<string, unknown>[])
        .map((c) => (typeof c.text === "string" ? c.text : ""))
        .join("");
      // codex injects its own user-role context blocks; the scenario keys on real prompts
      if (!texts.startsWith("<")) lastUserText = texts;
    }
  }
  const last = input[input.length - 1];
  const afterToolCall = last?.type === "function_call_output";
  return {
    body,
    headers,
    lastUserText,
    lastToolOutput: afterToolCall ? last?.output : undefined,
    afterToolCall,
  };
}
