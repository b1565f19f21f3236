import { mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultAcpConfig } from "../../src/agent/acp/settings.js";
import type { AgentSession } from "../../src/agent/backend.js";
import { defaultClaudeConfig } from "../../src/agent/claude/settings.js";
import { createCodexBackend } from "../../src/agent/codex/index.js";
import type { CodexConfig } from "../../src/agent/codex/settings.js";
import type { ServiceConfig } from "../../src/config/types.js";
import type { AgentEvent, AgentToolSpec, ToolResult } from "../../src/domain/agent-event.js";
import type { AgentError } from "../../src/domain/errors.js";
import type { Issue } from "../../src/domain/issue.js";
import { silentLogger } from "../../src/domain/logger.js";
import type { Result } from "../../src/domain/result.js";
import type { Host } from "../../src/hosts/host.js";
import { createLocalHost } from "../../src/hosts/local.js";
import { defaultRescueSettings } from "../../src/rescue/settings.js";
import { DEFAULT_SPEND_SETTINGS } from "../../src/spend/settings.js";
import type { ToolBinding } from "../../src/tracker/adapter.js";
import type { Clock } from "../../src/util/clock.js";
import { makeIssue } from "./issues.js";

/** A normalised issue for codex tests. */
export function testIssue(overrides: Partial<Issue> = {}): Issue {
  return makeIssue({
    id: "issue-1",
    identifier: "SYM-1",
    title: "Make the file",
    priority: 1,
    ...overrides,
  });
}

/** The codex config section with test defaults. */
export function testCodexConfig(overrides: Partial<CodexConfig> = {}): CodexConfig {
  return {
    command: "codex app-server",
    approvalPolicy: "never",
    threadSandbox: "workspace-write",
    envPassthrough: [],
    turnSandboxPolicy: null,
    turnTimeoutMs: 60_000,
    readTimeoutMs: 10_000,
    stallTimeoutMs: 0,
    home: "inherit",
    ...overrides,
  };
}

/** A full ServiceConfig around a codex section (other sections hold inert defaults). */
export function testServiceConfig(codex: CodexConfig): ServiceConfig {
  return {
    workflowPath: "/nonexistent/WORKFLOW.md",
    workflowDir: "/nonexistent",
    tracker: {
      kind: "memory",
      activeStates: ["Todo"],
      terminalStates: ["Done"],
      requiredLabels: [],
      provider: { issues: [] },
    },
    polling: { intervalMs: 30_000 },
    profiles: [],
    workspace: {
      root: "/nonexistent",
      rootRaw: null,
      rescue: defaultRescueSettings("/nonexistent/rescue"),
      gc: { maxAgeMs: "unlimited", maxTotalBytes: "unlimited" },
    },
    hooks: {
      afterCreate: null,
      beforeRun: null,
      afterRun: null,
      beforeRemove: null,
      timeoutMs: 60_000,
      envPassthrough: [],
    },
    agent: {
      backend: "codex",
      maxConcurrentAgents: 1,
      maxTurns: 3,
      maxRetryBackoffMs: 300_000,
      turnTimeoutMs: 3_600_000,
      maxConcurrentAgentsByState: {},
    },
    codex,
    command: { run: null, envPassthrough: [] },
    claude: defaultClaudeConfig(),
    acp: defaultAcpConfig(),
    builtin: {
      provider: "openai",
      model: null,
      apiKey: null,
      baseUrl: null,
      maxSteps: 10,
      temperature: null,
      maxOutputTokens: null,
      contextWindowTokens: 100_000,
      systemPrompt: null,
      tools: null,
      commandTimeoutMs: 60_000,
      allowedCommands: [],
      deniedCommands: [],
    },
    server: { port: null, host: "127.0.0.1", authToken: null, allowedHosts: [], maxSseClients: 64 },
    worker: { sshHosts: [], maxConcurrentAgentsPerHost: null, loginShell: false },
    limits: DEFAULT_SPEND_SETTINGS,
    store: { kind: "embedded", path: null, url: null, leaseTtlMs: null },
    secretValues: [],
  };
}

/** Tools that record calls and answer from a function. */
export function recordingTools(
  specs: readonly AgentToolSpec[],
  answer: (name: string, args: unknown) => ToolResult,
): ToolBinding & { calls: { name: string; args: unknown }[] } {
  const calls: { name: string; args: unknown }[] = [];
  return {
    specs,
    calls,
    async execute(name, args) {
      calls.push({ name, args });
      return answer(name, args);
    },
  };
}

/** A temp root with a workspace and a HOME for `bash -lc`, removed by `cleanup`. */
export function tempRoot(): { root: string; workspace: string; home: string; cleanup(): void } {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "symphony-codex-test-")));
  const workspace = join(root, "ws");
  const home = join(root, "home");
  mkdirSync(workspace);
  mkdirSync(home);
  return { root, workspace, home, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Options for {@link openSession}. */
export interface OpenSessionOptions {
  readonly codex: Partial<CodexConfig>;
  readonly workspace: string;
  readonly env: Readonly<Record<string, string>>;
  readonly tools?: ToolBinding;
  readonly clock?: Clock;
  readonly signal?: AbortSignal;
  readonly issue?: Issue;
  /** Where codex runs (default: a local host). */
  readonly host?: Host;
}

/** Opens a codex session through the real backend and local host, recording every event. */
export async function openSession(
  options: OpenSessionOptions,
): Promise<{ result: Result<AgentSession, AgentError>; events: AgentEvent[] }> {
  const events: AgentEvent[] = [];
  const backend = createCodexBackend(testServiceConfig(testCodexConfig(options.codex)), {
    logger: silentLogger,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const result = await backend.startSession({
    host: options.host ?? createLocalHost({ killGraceMs: 500 }),
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
