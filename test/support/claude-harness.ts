import type { AgentSession } from "../../src/agent/backend.js";
import { createClaudeBackend } from "../../src/agent/claude/index.js";
import { type ClaudeConfig, defaultClaudeConfig } from "../../src/agent/claude/settings.js";
import type { AgentEvent } from "../../src/domain/agent-event.js";
import type { AgentError } from "../../src/domain/errors.js";
import type { Issue } from "../../src/domain/issue.js";
import { silentLogger } from "../../src/domain/logger.js";
import type { Result } from "../../src/domain/result.js";
import { createLocalHost } from "../../src/hosts/local.js";
import type { ToolBinding } from "../../src/tracker/adapter.js";
import { recordingTools, testIssue } from "./codex-harness.js";
import type { FakeModelServer } from "./fake-streaming-model-server.js";
import { CLAUDE } from "./tools.js";

/** The environment that makes the real CLI talk only to a loopback fake Anthropic server. */
export function claudeTestEnv(
  model: Pick<FakeModelServer, "url">,
  home: string,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: home,
    ANTHROPIC_BASE_URL: model.url.replace(/\/v1$/, ""),
    ANTHROPIC_API_KEY: "sk-ant-test-key",
    DISABLE_TELEMETRY: "1",
    // the CLI retries failed model calls ten times with backoff by default; tests want the first answer
    CLAUDE_CODE_MAX_RETRIES: "0",
    ...extra,
  };
}

/** Options for {@link openClaudeSession}. */
export interface OpenClaudeSessionOptions {
  readonly claude?: Partial<ClaudeConfig>;
  readonly workspace: string;
  readonly env: Readonly<Record<string, string>>;
  readonly tools?: ToolBinding;
  readonly signal?: AbortSignal;
  readonly issue?: Issue;
}

/** Opens a session through the real claude backend, the local host and the pinned CLI, recording every event. */
export async function openClaudeSession(
  options: OpenClaudeSessionOptions,
): Promise<{ result: Result<AgentSession, AgentError>; events: AgentEvent[] }> {
  const events: AgentEvent[] = [];
  const backend = createClaudeBackend(
    { ...defaultClaudeConfig(), command: CLAUDE.path, readTimeoutMs: 30_000, ...options.claude },
    { logger: silentLogger },
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
