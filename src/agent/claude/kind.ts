import { warning } from "../../domain/config-problem.js";
import type { BackendKind } from "../kind.js";
import { lazyBackend } from "../kind.js";
import { type ClaudeConfig, claudeSchema, resolveClaudeSection } from "./settings.js";

declare module "../../config/types.js" {
  interface BackendSections {
    /** `claude:` — the Claude Code backend. */
    readonly claude: ClaudeConfig;
  }
}

/** `agent.backend: claude` — one Claude Code CLI process per attempt, spoken to in stream-json. */
export const claudeKind: BackendKind<ClaudeConfig> = {
  name: "claude",
  section: "claude",
  schema: claudeSchema,
  resolve: (parsed) => resolveClaudeSection(parsed),
  check: (config) =>
    // the tracker tool server listens on this machine's loopback, which a remote worker cannot reach
    config.worker.kind === "ssh" || config.worker.pool !== undefined || config.worker.sshHosts.length > 0
      ? [
          warning(
            "agent.backend",
            "local_tools",
            "claude on remote workers runs without tracker tools (their MCP server is on this machine's loopback)",
          ),
        ]
      : [],
  envPassthrough: (config) => config.claude.envPassthrough,
  commandLine: (config) => ({ key: "claude.command", line: config.claude.command }),
  create: (config, deps) =>
    lazyBackend("claude", async () =>
      (await import("./backend.js")).createClaudeBackend(config.claude, deps),
    ),
  async doctor(config, tools, deep) {
    const resolves = await tools.programResolves("claude.command", config.claude.command);
    if (!deep || resolves.status !== "ok") return [resolves];
    return [resolves, await tools.startSession()];
  },
};
