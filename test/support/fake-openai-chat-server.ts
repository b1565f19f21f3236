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

function frame(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

function chunk(request: RecordedRequest, id: string, delta: unknown, finishReason: string | null): string {
  return frame({
    id,
    object: "chat.completion.chunk",
    created: 1_767_225_600,
    model: request.body?.model ?? "fake-model",
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  });
}

function usageFrame(request: RecordedRequest, id: string, input: number, output: number): string {
  return frame({
    id,
    object: "chat.completion.chunk",
    created: 1_767_225_600,
    model: request.body?.model ?? "fake-model",
    choices: [],
    usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output },
  });
}

/** The OpenAI Chat Completions streaming wire format (what `openai` and `openai-compatible` speak). */
export const openAIChatFormat: WireFormat = {
  endpoint: "/chat/completions",
  frames(reply, request) {
    const id = `chatcmpl-${++counter}`;
    const out = [chunk(request, id, { role: "assistant", content: "" }, null)];
    const text = reply.text ?? "";
    for (const piece of text === "" ? [] : pieces(text))
      out.push(chunk(request, id, { content: piece }, null));
    if (reply.kind === "tool_calls") {
      reply.calls.forEach((call, index) => {
        const callId = call.id ?? `call_${counter}_${index}`;
        out.push(
          chunk(
            request,
            id,
            {
              tool_calls: [
                { index, id: callId, type: "function", function: { name: call.name, arguments: "" } },
              ],
            },
            null,
          ),
        );
        for (const piece of pieces(argsText(call.args), 2)) {
          out.push(chunk(request, id, { tool_calls: [{ index, function: { arguments: piece } }] }, null));
        }
      });
    }
    out.push(chunk(request, id, {}, reply.kind === "tool_calls" ? "tool_calls" : "stop"));
    const usage = reply.usage ?? { input: 100, output: 20 };
    out.push(usageFrame(request, id, usage.input, usage.output), "data: [DONE]\n\n");
    return out;
  },
  textParts(request) {
    const id = `chatcmpl-${++counter}`;
    return {
      open: [chunk(request, id, { role: "assistant", content: "" }, null)],
      delta: (text) => chunk(request, id, { content: text }, null),
      close: [chunk(request, id, {}, "stop"), usageFrame(request, id, 100, 20), "data: [DONE]\n\n"],
    };
  },
  errorBody(reply) {
    return { error: { message: reply.message, type: "fake_error", code: reply.code ?? null } };
  },
};

/** Starts a loopback fake OpenAI Chat Completions server (`POST /v1/chat/completions`, SSE). */
export function startFakeOpenAIChatServer(
  script: Script,
  options?: FakeModelServerOptions,
): Promise<FakeModelServer> {
  return startFakeModelServer(openAIChatFormat, script, options);
}
