#!/usr/bin/env node
// A scripted ACP agent (newline-delimited JSON-RPC 2.0 on stdio) for protocol faults a real agent cannot
// be made to show. Usage: node fake-acp-agent.mjs <scenario>
import { createInterface } from "node:readline";

const scenario = process.argv[2] ?? "ok";
const send = (msg) => process.stdout.write(`${JSON.stringify({ jsonrpc: "2.0", ...msg })}\n`);
const update = (sessionId, update) => send({ method: "session/update", params: { sessionId, update } });

createInterface({ input: process.stdin }).on("line", (line) => {
  const msg = JSON.parse(line);
  if (msg.method === "initialize") {
    if (scenario === "silent") return;
    if (scenario === "garbage") process.stdout.write("this is not json\n");
    send({
      id: msg.id,
      result: {
        protocolVersion: scenario === "wrong-version" ? 99 : 1,
        agentCapabilities: { mcpCapabilities: { http: false } },
      },
    });
    return;
  }
  if (msg.method === "session/new") {
    if (scenario === "new-fails") {
      send({ id: msg.id, error: { code: -32000, message: "authentication required" } });
      return;
    }
    send({ id: msg.id, result: { sessionId: "sess-1" } });
    return;
  }
  if (msg.method === "session/prompt") {
    const sessionId = msg.params.sessionId;
    if (scenario === "exit-mid-prompt") {
      update(sessionId, {
        sessionUpdate: "agent_message_chunk",
        content: { type: "text", text: "starting" },
      });
      setTimeout(() => process.exit(3), 50);
      return;
    }
    if (scenario === "ignore-cancel") return; // never answers, not even to session/cancel
    update(sessionId, { sessionUpdate: "agent_message_chunk", content: { type: "text", text: "Hello " } });
    update(sessionId, { sessionUpdate: "agent_message_chunk", content: { type: "text", text: "there" } });
    update(sessionId, {
      sessionUpdate: "tool_call",
      toolCallId: "t1",
      title: "Read README.md",
      kind: "read",
      status: "pending",
    });
    update(sessionId, { sessionUpdate: "tool_call_update", toolCallId: "t1", status: "failed" });
    update("another-session", {
      sessionUpdate: "agent_message_chunk",
      content: { type: "text", text: "NOT MINE" },
    });
    send({ id: msg.id, result: { stopReason: scenario === "refusal" ? "refusal" : "end_turn" } });
  }
});
