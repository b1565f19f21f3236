import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { AgentSession } from "../../src/agent/backend.js";
import { createBuiltinBackend } from "../../src/agent/builtin/index.js";
import type { BuiltinBackendConfig } from "../../src/agent/builtin/settings.js";
import type { ServiceConfig } from "../../src/config/types.js";
import type { AgentEvent } from "../../src/domain/agent-event.js";
import type { AgentError } from "../../src/domain/errors.js";
import type { Issue } from "../../src/domain/issue.js";
import { silentLogger } from "../../src/domain/logger.js";
import { createLocalHost } from "../../src/hosts/local.js";
import type { ToolBinding } from "../../src/tracker/adapter.js";
import { makeIssue } from "./issues.js";
import { makeTempDir } from "./temp-dir.js";
import { buildConfig } from "./workflow-fixtures.js";

/** A `builtin:` section with test defaults. */
export function builtinConfig(overrides: Partial<BuiltinBackendConfig> = {}): BuiltinBackendConfig {
  return {
    provider: "openai-compatible",
    model: "fake-model",
    apiKey: "sk-test-model-key",
    baseUrl: null,
    maxSteps: 10,
    temperature: null,
    maxOutputTokens: null,
    contextWindowTokens: 128_000,
    systemPrompt: null,
    tools: null,
    commandTimeoutMs: 10_000,
    allowedCommands: [],
    deniedCommands: [],
    ...overrides,
  };
}

/** A whole ServiceConfig (defaults from the real config loader) around a `builtin:` section. */
export function serviceConfigWith(builtin: BuiltinBackendConfig, dir = "/tmp"): ServiceConfig {
  const base = buildConfig({ agent: { backend: "builtin" }, builtin: { model: "placeholder" } }, dir);
  return { ...base, builtin, secretValues: builtin.apiKey === null ? [] : [builtin.apiKey] };
}

/** A normalised issue for sessions. */
export function testIssue(overrides: Partial<Issue> = {}): Issue {
  return makeIssue({
    id: "issue-1",
    identifier: "SYM-1",
    title: "Fix the greeting",
    description: "The greeting should say hello.",
    priority: 2,
    ...overrides,
  });
}

/** Tracker tools with no specs. */
export const noTrackerTools: ToolBinding = {
  specs: [],
  execute: async () => ({ success: false, output: { error: "no tools" } }),
};

/** A live builtin session in a temp workspace, with every event recorded. */
export interface BuiltinHarness {
  readonly workspace: string;
  readonly home: string;
  readonly session: AgentSession;
  readonly events: AgentEvent[];
  readonly controller: AbortController;
  cleanup(): Promise<void>;
}

/** Starts a builtin session against a fake model server; fails the test if startup fails. */
export async function startBuiltinSession(options: {
  readonly config: BuiltinBackendConfig;
  readonly tools?: ToolBinding;
  readonly issue?: Issue;
}): Promise<BuiltinHarness> {
  const temp = await makeTempDir("symphony-builtin-");
  const workspace = join(temp.path, "ws");
  const home = join(temp.path, "home");
  await mkdir(workspace);
  await mkdir(home);
  const events: AgentEvent[] = [];
  const controller = new AbortController();
  const backend = createBuiltinBackend(serviceConfigWith(options.config, temp.path), {
    logger: silentLogger,
  });
  const started = await backend.startSession({
    host: createLocalHost({ killGraceMs: 200 }),
    workspacePath: workspace,
    issue: options.issue ?? testIssue(),
    tools: options.tools ?? noTrackerTools,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home },
    onEvent: (e) => events.push(e),
    signal: controller.signal,
    logger: silentLogger,
  });
  if (!started.ok) {
    await temp.cleanup();
    throw new Error(`startSession failed: ${started.error.category}: ${started.error.message}`);
  }
  const session = started.value;
  return {
    workspace,
    home,
    session,
    events,
    controller,
    cleanup: async () => {
      await session.stop();
      await temp.cleanup();
    },
  };
}

/** Runs turn `turn` and returns its result error (null on success). */
export async function runTurn(h: BuiltinHarness, prompt: string, turn = 1): Promise<AgentError | null> {
  const result = await h.session.runTurn(prompt, {
    issue: testIssue(),
    turn,
    maxTurns: 5,
    signal: new AbortController().signal,
  });
  return result.ok ? null : result.error;
}
