import { isAbsolute } from "node:path";
import type { AgentError } from "../../domain/errors.js";
import { messageOf } from "../../domain/errors.js";
import type { Logger } from "../../domain/logger.js";
import { err, type Result } from "../../domain/result.js";
import { type Clock, systemClock } from "../../util/clock.js";
import type { AgentBackend, AgentSession, StartSessionOptions } from "../backend.js";
import { startToolServer, type ToolServer } from "../mcp/tool-server.js";
import { AcpSession } from "./session.js";
import type { AcpConfig } from "./settings.js";

const KILL_GRACE_MS = 2_000;

/** Dependencies of the acp backend; `clock` bounds the handshake (tests may pass a manual one). */
export interface AcpBackendDeps {
  readonly logger: Logger;
  readonly clock?: Clock;
}

/** Builds the `acp` backend (any Agent Client Protocol agent over stdio) from its settings. */
export function createAcpBackend(acp: AcpConfig, deps: AcpBackendDeps): AgentBackend {
  return { name: "acp", startSession: (options) => startAcpSession(acp, deps, options) };
}

async function startAcpSession(
  acp: AcpConfig,
  deps: AcpBackendDeps,
  options: StartSessionOptions,
): Promise<Result<AgentSession, AgentError>> {
  if (acp.command === null || acp.command.trim() === "") {
    return err({ category: "agent_not_found", message: "acp.command is not set" });
  }
  if (!isAbsolute(options.workspacePath)) {
    return err({
      category: "invalid_workspace_cwd",
      message: `workspace path must be absolute, got ${options.workspacePath}`,
    });
  }
  let server: ToolServer | null = null;
  if (options.tools.specs.length > 0 && options.host.localFilesystem) {
    try {
      server = await startToolServer({ tools: options.tools, issue: options.issue, signal: options.signal });
    } catch (cause) {
      return err({ category: "startup_failed", message: `tracker tool server: ${messageOf(cause)}` });
    }
  } else if (options.tools.specs.length > 0) {
    deps.logger.warn("acp tracker tools unavailable on a remote host", { host: options.host.name });
  }
  const started = server;
  return AcpSession.start(options, {
    command: acp.command,
    autoApprove: acp.autoApprove,
    readTimeoutMs: acp.readTimeoutMs,
    killGraceMs: KILL_GRACE_MS,
    clock: deps.clock ?? systemClock,
    toolServer: started === null ? null : { url: started.url, token: started.token },
    cleanup: async () => {
      await started?.close();
    },
  });
}
