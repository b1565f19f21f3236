import { describe, expect, it } from "vitest";
import { classify } from "../../../src/agent/codex/protocol.js";

describe("classify (codex JSON-RPC dialect, no jsonrpc field)", () => {
  it("17.5: a server request with id 0 is a request, not a notification", () => {
    expect(classify({ id: 0, method: "item/tool/call", params: { tool: "x" } })).toEqual({
      kind: "request",
      id: 0,
      method: "item/tool/call",
      params: { tool: "x" },
    });
  });

  it("an id without a method is a response, with its result or its error", () => {
    expect(classify({ id: 3, result: { turn: { id: "t" } } })).toEqual({
      kind: "response",
      id: 3,
      result: { turn: { id: "t" } },
    });
    expect(classify({ id: 2, error: { code: -32600, message: "bad" } })).toEqual({
      kind: "response",
      id: 2,
      error: { code: -32600, message: "bad" },
    });
  });

  it("a method without an id is a notification (extra fields such as emittedAtMs are ignored)", () => {
    expect(classify({ method: "turn/started", params: {}, emittedAtMs: 1 })).toEqual({
      kind: "notification",
      method: "turn/started",
      params: {},
    });
  });

  it.each([[null], [[1, 2]], ["text"], [{}], [{ id: null, result: 1 }]])(
    "%j is not a protocol message",
    (value) => {
      expect(classify(value)).toBeNull();
    },
  );
});
