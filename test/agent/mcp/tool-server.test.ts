import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterEach, describe, expect, it } from "vitest";
import { startToolServer, type ToolServer } from "../../../src/agent/mcp/tool-server.js";
import { recordingTools, testIssue } from "../../support/codex-harness.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const specs = [
  {
    name: "update_issue",
    description: "Comment on the current issue",
    inputSchema: { type: "object", properties: { comment: { type: "string" } } },
  },
];

async function serve(answer = () => ({ success: true, output: { ok: true } })) {
  const tools = recordingTools(specs, answer);
  const issue = testIssue({ id: "issue-9", identifier: "SYM-9" });
  const contexts: unknown[] = [];
  const server = await startToolServer({
    tools: {
      specs: tools.specs,
      execute: (name, args, context) => {
        contexts.push(context.issue.identifier);
        return tools.execute(name, args, context);
      },
    },
    issue,
    signal: new AbortController().signal,
  });
  cleanups.push(() => server.close());
  return { server, tools, contexts };
}

async function connect(server: ToolServer, token: string): Promise<Client> {
  const client = new Client({ name: "test", version: "1" });
  const transport = new StreamableHTTPClientTransport(new URL(server.url), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  await client.connect(transport);
  cleanups.unshift(() => client.close());
  return client;
}

describe("tracker tools over MCP (loopback Streamable HTTP, per-session token)", () => {
  it("lists the session's tools and runs a call bound to the issue being worked", async () => {
    const { server, tools, contexts } = await serve();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const client = await connect(server, server.token);
    const listed = await client.listTools();
    expect(listed.tools.map((t) => [t.name, t.inputSchema])).toEqual([
      ["update_issue", specs[0]?.inputSchema],
    ]);
    const called = await client.callTool({ name: "update_issue", arguments: { comment: "hi" } });
    expect(called).toMatchObject({ content: [{ type: "text", text: '{"ok":true}' }], isError: false });
    expect(tools.calls).toEqual([{ name: "update_issue", args: { comment: "hi" } }]);
    expect(contexts).toEqual(["SYM-9"]);
  });

  it("a failing or throwing tool is an MCP error result, not a protocol failure", async () => {
    const { server } = await serve(() => {
      throw new Error("tracker down");
    });
    const client = await connect(server, server.token);
    const called = await client.callTool({ name: "update_issue", arguments: {} });
    expect(called).toMatchObject({
      isError: true,
      content: [{ text: '{"error":{"message":"tracker down"}}' }],
    });
  });

  it("refuses requests without the session's token", async () => {
    const { server, tools } = await serve();
    for (const headers of [{}, { Authorization: "Bearer wrong" }, { Authorization: server.token }]) {
      const res = await fetch(server.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          ...headers,
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
      expect(res.status).toBe(401);
    }
    await expect(connect(server, "not-the-token")).rejects.toThrow();
    expect(tools.calls).toEqual([]);
  });

  it("stops listening when closed", async () => {
    const { server } = await serve();
    await server.close();
    await expect(fetch(server.url, { method: "POST" })).rejects.toThrow();
  });
});
