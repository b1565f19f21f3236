import { shellQuote } from "../../hosts/ssh-command.js";
import { MCP_SERVER_NAME } from "./event-map.js";
import type { ClaudeConfig } from "./settings.js";

/** Name of the child environment variable holding the tool server's bearer token (never in argv). */
export const MCP_TOKEN_ENV = "SYMPHONY_MCP_TOKEN";

/**
 * The `--mcp-config` value for Symphony's tool server. The token is written as `${SYMPHONY_MCP_TOKEN}`,
 * which Claude Code expands from its environment, so the secret never appears on a command line.
 */
export function mcpConfigJson(url: string): string {
  return JSON.stringify({
    mcpServers: {
      [MCP_SERVER_NAME]: {
        type: "http",
        url,
        // `${NAME}` is expanded by Claude Code from its environment, not by us
        headers: { Authorization: `Bearer \${${MCP_TOKEN_ENV}}` },
      },
    },
  });
}

/**
 * The shell command line that starts one Claude Code process for an attempt: the operator's
 * `claude.command`, then the stream-json dialect on both pipes with permission prompts routed to us
 * (`--permission-prompt-tool stdio`), then their settings, then `extra_args`.
 */
export function claudeCommandLine(config: ClaudeConfig, mcpUrl: string | null): string {
  const args: string[] = [
    "-p",
    "--output-format",
    "stream-json",
    "--input-format",
    "stream-json",
    "--verbose",
    "--permission-prompt-tool",
    "stdio",
    "--permission-mode",
    config.permissionMode,
  ];
  if (config.model !== null) args.push("--model", config.model);
  // Symphony's own tracker tools are trusted: they act only on the issue being worked
  const allowed = mcpUrl === null ? config.allowedTools : [...config.allowedTools, `mcp__${MCP_SERVER_NAME}`];
  for (const rule of allowed) args.push("--allowedTools", rule);
  for (const rule of config.disallowedTools) args.push("--disallowedTools", rule);
  if (config.maxTurns !== null) args.push("--max-turns", String(config.maxTurns));
  if (mcpUrl !== null) args.push("--mcp-config", mcpConfigJson(mcpUrl), "--strict-mcp-config");
  args.push(...config.extraArgs);
  return [config.command, ...args.map(shellQuote)].join(" ");
}
