import { isAbsolute } from "node:path";
import type { AgentError } from "../../domain/errors.js";
import { messageOf } from "../../domain/errors.js";
import type { Logger } from "../../domain/logger.js";
import { err, type Result } from "../../domain/result.js";
import { type Clock, systemClock } from "../../util/clock.js";
import type { AgentBackend, AgentSession, StartSessionOptions } from "../backend.js";
import { startToolServer, type ToolServer } from "../mcp/tool-server.js";
import { claudeCommandLine, MCP_TOKEN_ENV } from "./command-line.js";
import { createIsolatedConfigDir } from "./config-dir.js";
import { ClaudeSession } from "./session.js";
import type { ClaudeConfig } from "./settings.js";

/** Stream lines up to 10 MB are buffered (a large file read); longer ones become `malformed` events. */
const MAX_LINE_BYTES = 10 * 1024 * 1024;
const KILL_GRACE_MS = 2_000;

/** Dependencies of the claude backend; `clock` bounds startup (tests may pass a manual one). */
export interface ClaudeBackendDeps {
  readonly logger: Logger;
  readonly clock?: Clock;
}

/** Builds the `claude` backend (Claude Code CLI in stream-json mode) from its settings. */
export function createClaudeBackend(claude: ClaudeConfig, deps: ClaudeBackendDeps): AgentBackend {
  return { name: "claude", startSession: (options) => startClaudeSession(claude, deps, options) };
}

async function startClaudeSession(
  claude: ClaudeConfig,
  deps: ClaudeBackendDeps,
  options: StartSessionOptions,
): Promise<Result<AgentSession, AgentError>> {
  if (!isAbsolute(options.workspacePath)) {
    return err({
      category: "invalid_workspace_cwd",
      message: `workspace path must be absolute, got ${options.workspacePath}`,
    });
  }
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async (): Promise<void> => {
    for (const fn of cleanups.reverse()) await fn().catch(() => {});
  };
  // nothing else is contacted (updates, telemetry) unless the operator set these themselves
  let env: Record<string, string> = {
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_AUTOUPDATER: "1",
    ...options.env,
  };
  if (claude.home === "isolated") {
    const dir = await createIsolatedConfigDir(options.host, {
      cwd: options.workspacePath,
      env: options.env,
      timeoutMs: claude.readTimeoutMs,
      signal: options.signal,
    });
    if (!dir.ok) return err({ category: "startup_failed", message: dir.error });
    env = { ...env, CLAUDE_CONFIG_DIR: dir.value.path };
    cleanups.push(() => dir.value.remove());
  }
  let server: ToolServer | null = null;
  if (options.tools.specs.length > 0) {
    if (options.host.localFilesystem) {
      try {
        server = await startToolServer({
          tools: options.tools,
          issue: options.issue,
          signal: options.signal,
        });
      } catch (cause) {
        await cleanup();
        return err({ category: "startup_failed", message: `tracker tool server: ${messageOf(cause)}` });
      }
      const started = server;
      cleanups.push(() => started.close());
      env = { ...env, [MCP_TOKEN_ENV]: server.token };
    } else {
      // the tool server listens on this machine's loopback, which a remote worker cannot reach
      deps.logger.warn("claude tracker tools unavailable on a remote host", { host: options.host.name });
    }
  }
  return ClaudeSession.start(
    { ...options, env },
    {
      commandLine: claudeCommandLine(claude, server?.url ?? null),
      autoApprove: claude.permissionMode === "bypassPermissions",
      readTimeoutMs: claude.readTimeoutMs,
      maxLineBytes: MAX_LINE_BYTES,
      killGraceMs: KILL_GRACE_MS,
      clock: deps.clock ?? systemClock,
      cleanup,
    },
  );
}
