import { defaultAcpConfig } from "../../../src/agent/acp/settings.js";
import { defaultClaudeConfig } from "../../../src/agent/claude/settings.js";
import type { ServiceConfig } from "../../../src/config/types.js";
import { defaultRescueSettings } from "../../../src/rescue/settings.js";
import { DEFAULT_SPEND_SETTINGS } from "../../../src/spend/settings.js";

/** Deep-ish partial for config overrides in tests. */
export type ConfigOverrides = {
  [K in keyof ServiceConfig]?: ServiceConfig[K] extends readonly unknown[]
    ? ServiceConfig[K]
    : ServiceConfig[K] extends object
      ? Partial<ServiceConfig[K]>
      : ServiceConfig[K];
};

/** A complete ServiceConfig literal with spec defaults, for unit tests. */
export function testConfig(root: string, overrides: ConfigOverrides = {}): ServiceConfig {
  const base: ServiceConfig = {
    workflowPath: `${root}/WORKFLOW.md`,
    workflowDir: root,
    tracker: {
      kind: "memory",
      activeStates: ["Todo", "In Progress"],
      terminalStates: ["Closed", "Cancelled", "Canceled", "Duplicate", "Done"],
      requiredLabels: [],
      provider: { issues: [] },
    },
    polling: { intervalMs: 30_000 },
    profiles: [],
    workspace: {
      root: `${root}/workspaces`,
      rootRaw: null,
      rescue: defaultRescueSettings(`${root}/rescue`),
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
      backend: "command",
      maxConcurrentAgents: 10,
      maxTurns: 20,
      maxRetryBackoffMs: 300_000,
      turnTimeoutMs: 3_600_000,
      maxConcurrentAgentsByState: {},
    },
    codex: {
      command: "codex app-server",
      approvalPolicy: "on-request",
      threadSandbox: "workspace-write",
      envPassthrough: [],
      turnSandboxPolicy: null,
      turnTimeoutMs: 3_600_000,
      readTimeoutMs: 5_000,
      stallTimeoutMs: 300_000,
      home: "inherit",
    },
    command: { run: null, envPassthrough: [] },
    claude: defaultClaudeConfig(),
    acp: defaultAcpConfig(),
    builtin: {
      provider: "openai-compatible",
      model: null,
      apiKey: null,
      baseUrl: null,
      maxSteps: 50,
      temperature: null,
      maxOutputTokens: null,
      contextWindowTokens: 128_000,
      systemPrompt: null,
      tools: null,
      commandTimeoutMs: 120_000,
      allowedCommands: [],
      deniedCommands: [],
    },
    server: { port: null, host: "127.0.0.1", authToken: null, allowedHosts: [], maxSseClients: 64 },
    worker: { sshHosts: [], maxConcurrentAgentsPerHost: null, loginShell: false },
    limits: DEFAULT_SPEND_SETTINGS,
    store: { kind: "embedded", path: null, url: null, leaseTtlMs: null },
    secretValues: [],
  };
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = (base as unknown as Record<string, unknown>)[key];
    merged[key] =
      value !== null && typeof value === "object" && !Array.isArray(value) && typeof current === "object"
        ? { ...(current as object), ...(value as object) }
        : value;
  }
  return merged as unknown as ServiceConfig;
}

export { makeIssue } from "../issues.js";
