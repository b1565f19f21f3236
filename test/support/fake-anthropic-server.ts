import {
  argsText,
  type FakeModelServer,
  type FakeModelServerOptions,
  pieces,
  type RecordedRequest,
  type Script,
  startFakeModelServer,
  type WireFormat,
} from "./fake-streaming-model-server.js";

let counter = 0;

function event(type: string, payload: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...payload })}\n\n`;
}

function messageStart(request: RecordedRequest, input: number): string {
  return event("message_start", {
    message: {
      id: `msg_${++counter}`,
      type: "message",
      role: "assistant",
      model: request.body?.model ?? "fake-claude",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: input, output_tokens: 1 },
    },
  });
}

function messageEnd(stopReason: string, output: number): string[] {
  return [
    event("message_delta", {
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: output },
    }),
    event("message_stop", {}),
  ];
}

/** The Anthropic Messages streaming wire format (`POST /v1/messages`, named SSE events). */
export const anthropicFormat: WireFormat = {
  endpoint: "/messages",
  frames(reply, request) {
    const usage = reply.usage ?? { input: 100, output: 20 };
    const out = [messageStart(request, usage.input)];
    let index = 0;
    const text = reply.text ?? "";
    if (text !== "") {
      out.push(event("content_block_start", { index, content_block: { type: "text", text: "" } }));
      for (const piece of pieces(text)) {
        out.push(event("content_block_delta", { index, delta: { type: "text_delta", text: piece } }));
      }
      out.push(event("content_block_stop", { index }));
      index++;
    }
    if (reply.kind === "tool_calls") {
      for (const call of reply.calls) {
        const id = call.id ?? `toolu_${counter}_${index}`;
        out.push(
          event("content_block_start", {
            index,
            content_block: { type: "tool_use", id, name: call.name, input: {} },
          }),
        );
        for (const piece of pieces(argsText(call.args), 2)) {
          out.push(
            event("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: piece } }),
          );
        }
        out.push(event("content_block_stop", { index }));
        index++;
      }
    }
    out.push(...messageEnd(reply.kind === "tool_calls" ? "tool_use" : "end_turn", usage.output));
    return out;
  },
  textParts(request) {
    return {
      open: [
        messageStart(request, 100),
        event("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
      ],
      delta: (text) => event("content_block_delta", { index: 0, delta: { type: "text_delta", text } }),
      close: [event("content_block_stop", { index: 0 }), ...messageEnd("end_turn", 20)],
    };
  },
  errorBody(reply) {
    const type =
      reply.code ??
      (reply.status === 429
        ? "rate_limit_error"
        : reply.status === 401
          ? "authentication_error"
          : reply.status >= 500
            ? "api_error"
            : "invalid_request_error");
    return { type: "error", error: { type, message: reply.message } };
  },
};

/** Starts a loopback fake Anthropic Messages server (`POST /v1/messages`, SSE). */
export function startFakeAnthropicServer(
  script: Script,
  options?: FakeModelServerOptions,
): Promise<FakeModelServer> {
  return startFakeModelServer(anthropicFormat, script, options);
}
