import { createAcpBackend } from "../../src/agent/acp/index.js";
import { type AcpConfig, defaultAcpConfig } from "../../src/agent/acp/settings.js";
import type { AgentSession } from "../../src/agent/backend.js";
import type { AgentEvent } from "../../src/domain/agent-event.js";
import type { AgentError } from "../../src/domain/errors.js";
import type { Issue } from "../../src/domain/issue.js";
import { silentLogger } from "../../src/domain/logger.js";
import type { Result } from "../../src/domain/result.js";
import { createLocalHost } from "../../src/hosts/local.js";
import type { ToolBinding } from "../../src/tracker/adapter.js";
import type { Clock } from "../../src/util/clock.js";
import { recordingTools, testIssue } from "./codex-harness.js";

/** Options for {@link openAcpSession}. */
export interface OpenAcpSessionOptions {
  readonly acp: Partial<AcpConfig> & { readonly command: string };
  readonly workspace: string;
  readonly env: Readonly<Record<string, string>>;
  readonly tools?: ToolBinding;
  readonly signal?: AbortSignal;
  readonly issue?: Issue;
  readonly clock?: Clock;
}

/** Opens a session through the real acp backend and the local host, recording every event. */
export async function openAcpSession(
  options: OpenAcpSessionOptions,
): Promise<{ result: Result<AgentSession, AgentError>; events: AgentEvent[] }> {
  const events: AgentEvent[] = [];
  const backend = createAcpBackend(
    { ...defaultAcpConfig(), readTimeoutMs: 30_000, ...options.acp },
    { logger: silentLogger, ...(options.clock ? { clock: options.clock } : {}) },
  );
  const result = await backend.startSession({
    host: createLocalHost({ killGraceMs: 500 }),
    workspacePath: options.workspace,
    issue: options.issue ?? testIssue(),
    tools: options.tools ?? recordingTools([], () => ({ success: true, output: null })),
    env: options.env,
    onEvent: (e) => events.push(e),
    signal: options.signal ?? new AbortController().signal,
    logger: silentLogger,
  });
  return { result, events };
}
