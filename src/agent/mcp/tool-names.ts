import { TOOL_SERVER_NAME } from "./tool-server.js";

const PREFIX = `mcp__${TOOL_SERVER_NAME}__`;

/**
 * The tool name Symphony reports: its own MCP tools (which Claude-based agents call `mcp__symphony__<tool>`)
 * by their tracker name, any other tool as the agent names it.
 */
export function reportedToolName(name: string): string {
  return name.startsWith(PREFIX) ? name.slice(PREFIX.length) : name;
}
