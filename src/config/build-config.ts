import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { z } from "zod";
import { resolveClaudeSection } from "../agent/claude/settings.js";
import { err, ok, type Result } from "../domain/result.js";
import type { WorkflowError } from "../domain/workflow-error.js";
import { parseSshDestination } from "../hosts/ssh-destination.js";
import { defaultDataDir } from "../rescue/settings.js";
import { toSpendSettings } from "../spend/settings.js";
import { normaliseByState } from "./by-state.js";
import { validateCodexSettings } from "./codex-settings.js";
import { resolveConfigPath, resolveVarValue } from "./env-values.js";
import { configError, showValue } from "./provider.js";
import { type FrontMatter, frontMatterSchema } from "./schema.js";
import { trackerKind } from "./tracker-kinds.js";
import type { ServiceConfig, TrackerConfig } from "./types.js";

/** Inputs to {@link buildServiceConfig} besides the front matter itself. */
export interface BuildConfigOptions {
  /** The WORKFLOW.md the front matter came from; relative paths resolve against its directory. */
  readonly workflowPath: string;
  readonly env: NodeJS.ProcessEnv;
}

/** Flat tracker keys of the Elixir reference that fold into `tracker.provider` (provider values win). */
const FLAT_TRACKER_KEYS = ["endpoint", "api_key", "project_slug", "assignee", "path", "issues"] as const;

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// YAML writes an empty section (`polling:`) or field as null; treat those as absent so defaults apply.
function dropNulls(raw: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [section, value] of Object.entries(raw)) {
    if (value === null) continue;
    if (!isMap(value)) {
      out[section] = value;
      continue;
    }
    const fields: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) if (field !== null) fields[key] = field;
    out[section] = fields;
  }
  return out;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let node = raw;
  for (const key of path) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function zodErrors(raw: unknown, issues: readonly z.core.$ZodIssue[]): WorkflowError[] {
  return issues.map((issue) => {
    const key = issue.path.map(String).join(".");
    const got = valueAt(raw, issue.path);
    const message = issue.message.startsWith("must") ? issue.message : `is invalid: ${issue.message}`;
    return configError(key, `${message}, got ${showValue(got, key)}`);
  });
}

// A secret given literally or via `$VAR`; an unset or empty variable counts as missing (null).
function resolveOptionalSecret(
  value: string | null,
  env: NodeJS.ProcessEnv,
  secrets: string[],
): string | null {
  if (value === null) return null;
  const resolved = resolveVarValue(value, env);
  if (resolved.kind === "env_unset" || resolved.kind === "env_empty") return null;
  if (resolved.value.trim() === "") return null;
  secrets.push(resolved.value);
  return resolved.value;
}

function resolveWorkspaceRoot(root: string | undefined, workflowDir: string, env: NodeJS.ProcessEnv): string {
  const fallback = join(tmpdir(), "symphony_workspaces");
  if (root === undefined) return fallback;
  const resolved = resolveVarValue(root, env);
  // An unset or empty `$VAR` root means "use the default" (as the Elixir reference does).
  if (resolved.kind === "env_unset" || resolved.kind === "env_empty") return fallback;
  return resolveConfigPath(resolved.value, workflowDir, env);
}

// The root as written, for SSH workers: `$VAR` resolved, `~` and relative paths kept for the remote side.
function rawWorkspaceRoot(root: string | undefined, env: NodeJS.ProcessEnv): string | null {
  if (root === undefined) return null;
  const resolved = resolveVarValue(root, env);
  if (resolved.kind === "env_unset" || resolved.kind === "env_empty") return null;
  return resolved.value.trim();
}

// Every `worker.ssh_hosts` entry must be a destination ssh accepts (no option injection, valid port).
function sshHostErrors(hosts: readonly string[]): WorkflowError[] {
  const errors: WorkflowError[] = [];
  hosts.forEach((host, i) => {
    const parsed = parseSshDestination(host);
    if (!parsed.ok) {
      errors.push(configError(`worker.ssh_hosts[${i}]`, `${parsed.error.message}, got ${showValue(host)}`));
    }
  });
  return errors;
}

function buildTracker(
  fm: FrontMatter["tracker"],
  workflowDir: string,
  env: NodeJS.ProcessEnv,
  errors: WorkflowError[],
  secrets: string[],
): TrackerConfig | null {
  const kind = trackerKind(fm.kind);
  if (!kind.ok) {
    errors.push(kind.error);
    return null;
  }
  const provider: Record<string, unknown> = { ...(fm.provider ?? {}) };
  for (const key of FLAT_TRACKER_KEYS) {
    if (fm[key] !== undefined && provider[key] === undefined) provider[key] = fm[key];
  }
  const parsed = kind.value.parseProvider(provider, { workflowDir, env });
  if (!parsed.ok) {
    errors.push(...parsed.error);
    return null;
  }
  secrets.push(...kind.value.secretValues(parsed.value));
  const labels = new Set(fm.required_labels.map((label) => label.trim().toLowerCase()));
  const activeStates = fm.active_states ?? kind.value.defaultActiveStates;
  const terminalStates = fm.terminal_states ?? kind.value.defaultTerminalStates;
  const stateErrors = kind.value.validateStates?.(parsed.value, activeStates, terminalStates) ?? [];
  if (stateErrors.length > 0) {
    errors.push(...stateErrors);
    return null;
  }
  return {
    kind: (fm.kind as string).trim().toLowerCase(),
    activeStates,
    terminalStates,
    requiredLabels: [...labels],
    provider: parsed.value as Readonly<Record<string, unknown>>,
    webhookSecret: resolveOptionalSecret(fm.webhook_secret, env, secrets),
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Validates front matter and resolves it into the frozen {@link ServiceConfig} (spec 6.1). */
export function buildServiceConfig(
  raw: Readonly<Record<string, unknown>>,
  options: BuildConfigOptions,
): Result<ServiceConfig, WorkflowError[]> {
  const workflowPath = resolve(options.workflowPath);
  const workflowDir = dirname(workflowPath);
  const { env } = options;
  const cleaned = dropNulls(raw);
  const parsed = frontMatterSchema.safeParse(cleaned);
  if (!parsed.success) {
    const errors = zodErrors(cleaned, parsed.error.issues);
    // Report tracker problems too when the tracker section itself is well-formed, so one pass shows all.
    const tracker = frontMatterSchema.shape.tracker.safeParse(cleaned.tracker);
    if (tracker.success && !parsed.error.issues.some((issue) => issue.path[0] === "tracker")) {
      buildTracker(tracker.data, workflowDir, env, errors, []);
    }
    return err(withPath(errors, workflowPath));
  }
  const fm = parsed.data;
  const errors: WorkflowError[] = [];
  const secrets: string[] = [];

  const tracker = buildTracker(fm.tracker, workflowDir, env, errors, secrets);
  const codex = {
    command: fm.codex.command,
    approvalPolicy: fm.codex.approval_policy,
    threadSandbox: fm.codex.thread_sandbox,
    turnSandboxPolicy: fm.codex.turn_sandbox_policy,
    turnTimeoutMs: fm.codex.turn_timeout_ms,
    readTimeoutMs: fm.codex.read_timeout_ms,
    stallTimeoutMs: fm.codex.stall_timeout_ms,
    home: fm.codex.home,
    envPassthrough: fm.codex.env_passthrough,
  };
  errors.push(...validateCodexSettings(codex));
  errors.push(...sshHostErrors(fm.worker.ssh_hosts));
  if (fm.agent.backend === "command" && (fm.command.run === null || fm.command.run.trim() === "")) {
    errors.push(configError("command.run", "is required when agent.backend is command"));
  }
  if (fm.agent.backend === "builtin" && fm.builtin.model === null) {
    errors.push(configError("builtin.model", "is required when agent.backend is builtin"));
  }
  const builtinKey = resolveOptionalSecret(fm.builtin.api_key, env, secrets);
  const authToken = resolveOptionalSecret(fm.server.auth_token, env, secrets);
  if (errors.length > 0 || tracker === null) return err(withPath(errors, workflowPath));

  const config: ServiceConfig = {
    workflowPath,
    workflowDir,
    tracker,
    polling: { intervalMs: fm.polling.interval_ms },
    workspace: {
      root: resolveWorkspaceRoot(fm.workspace.root, workflowDir, env),
      rootRaw: rawWorkspaceRoot(fm.workspace.root, env),
      rescue: {
        enabled: fm.workspace.rescue.enabled,
        dir:
          fm.workspace.rescue.dir === undefined
            ? join(defaultDataDir(env), "rescue")
            : resolveConfigPath(fm.workspace.rescue.dir, workflowDir, env),
        push: fm.workspace.rescue.push,
        maxBytes: fm.workspace.rescue.max_bytes,
        retentionDays: fm.workspace.rescue.retention_days,
      },
      gc: {
        maxAgeMs:
          fm.workspace.gc.max_age_days === "unlimited"
            ? "unlimited"
            : fm.workspace.gc.max_age_days * 86_400_000,
        maxTotalBytes: fm.workspace.gc.max_total_bytes,
      },
    },
    hooks: {
      afterCreate: fm.hooks.after_create,
      beforeRun: fm.hooks.before_run,
      afterRun: fm.hooks.after_run,
      beforeRemove: fm.hooks.before_remove,
      timeoutMs: fm.hooks.timeout_ms,
      envPassthrough: fm.hooks.env_passthrough,
    },
    agent: {
      backend: fm.agent.backend,
      maxConcurrentAgents: fm.agent.max_concurrent_agents,
      maxTurns: fm.agent.max_turns,
      maxRetryBackoffMs: fm.agent.max_retry_backoff_ms,
      turnTimeoutMs: fm.agent.turn_timeout_ms ?? fm.codex.turn_timeout_ms,
      maxConcurrentAgentsByState: normaliseByState(fm.agent.max_concurrent_agents_by_state),
    },
    codex,
    command: { run: fm.command.run, envPassthrough: fm.command.env_passthrough },
    builtin: {
      provider: fm.builtin.provider,
      model: fm.builtin.model,
      apiKey: builtinKey,
      baseUrl: fm.builtin.base_url,
      maxSteps: fm.builtin.max_steps,
      temperature: fm.builtin.temperature,
      maxOutputTokens: fm.builtin.max_output_tokens,
      contextWindowTokens: fm.builtin.context_window_tokens,
      systemPrompt: fm.builtin.system_prompt,
      tools: fm.builtin.tools,
      commandTimeoutMs: fm.builtin.command_timeout_ms,
      allowedCommands: fm.builtin.allowed_commands,
      deniedCommands: fm.builtin.denied_commands,
    },
    claude: resolveClaudeSection(fm.claude),
    server: { port: fm.server.port, host: fm.server.host, authToken },
    worker: {
      sshHosts: fm.worker.ssh_hosts,
      maxConcurrentAgentsPerHost: fm.worker.max_concurrent_agents_per_host,
    },
    limits: toSpendSettings(fm.limits),
    secretValues: [...new Set(secrets.filter((s) => s !== ""))],
  };
  return ok(deepFreeze(config));
}

function withPath(errors: readonly WorkflowError[], path: string): WorkflowError[] {
  return errors.map((e) => ({ ...e, path }));
}
