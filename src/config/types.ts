import type { ClaudeConfig } from "../agent/claude/settings.js";
import type { WorkspaceGcSettings } from "../rescue/gc.js";
import type { RescueSettings } from "../rescue/settings.js";
import type { SpendSettings } from "../spend/settings.js";

/**
 * The typed, frozen view of WORKFLOW.md front matter that everything past `config/` reads.
 * Field names are camelCase here; WORKFLOW.md uses snake_case (see docs/configuration.md).
 */
export interface ServiceConfig {
  /** Absolute path of the WORKFLOW.md this config came from. */
  readonly workflowPath: string;
  /** Its directory; relative paths in the file resolve against it. */
  readonly workflowDir: string;
  readonly tracker: TrackerConfig;
  readonly polling: { readonly intervalMs: number };
  readonly workspace: WorkspaceConfig;
  readonly hooks: HooksConfig;
  readonly agent: AgentConfig;
  readonly codex: CodexConfig;
  readonly command: CommandBackendConfig;
  readonly builtin: BuiltinBackendConfig;
  /** `claude:` — the Claude Code backend. */
  readonly claude: ClaudeConfig;
  readonly server: ServerConfig;
  readonly worker: WorkerConfig;
  /** `limits:` — caps, budgets, no-progress and prices (docs/spend-and-safety.md). */
  readonly limits: SpendSettings;
  /** Every secret value resolved while loading (API keys, `$VAR` secrets), for log redaction. */
  readonly secretValues: readonly string[];
}

/** `tracker:` — common scheduling keys plus the adapter-owned, adapter-validated provider settings. */
export interface TrackerConfig {
  readonly kind: string;
  readonly activeStates: readonly string[];
  readonly terminalStates: readonly string[];
  /** Normalised (trim + lowercase); a blank entry stays and matches no issue. */
  readonly requiredLabels: readonly string[];
  /** Adapter-owned settings, already parsed by the kind's provider schema (flat Elixir keys folded in). */
  readonly provider: Readonly<Record<string, unknown>>;
  /** `tracker.webhook_secret` (resolved, a secret); null/absent → the webhook route is disabled. */
  readonly webhookSecret?: string | null;
}

/** `workspace:` */
export interface WorkspaceConfig {
  /** Local root: absolute, `~` expanded, relative paths resolved against the WORKFLOW.md directory. */
  readonly root: string;
  /**
   * The root as written (`$VAR` resolved, `~` and relative paths left alone), for SSH workers, where it
   * is interpreted on the remote host (spec A.1); null when unset (the default root applies).
   */
  readonly rootRaw: string | null;
  /** `workspace.rescue` — unsaved work is saved before any removal (docs/spend-and-safety.md). */
  readonly rescue: RescueSettings;
  /** `workspace.gc` — age and total-size limits on kept workspaces (local host). */
  readonly gc: WorkspaceGcSettings;
}

/** `hooks:` */
export interface HooksConfig {
  readonly afterCreate: string | null;
  readonly beforeRun: string | null;
  readonly afterRun: string | null;
  readonly beforeRemove: string | null;
  readonly timeoutMs: number;
  /** Extra environment names hooks receive on top of the default allow-list (e.g. SSH_AUTH_SOCK, GH_TOKEN). */
  readonly envPassthrough: readonly string[];
}

/** The three agent backends. */
export type AgentBackendName = "codex" | "builtin" | "command" | "claude";

/** `agent:` */
export interface AgentConfig {
  readonly backend: AgentBackendName;
  readonly maxConcurrentAgents: number;
  readonly maxTurns: number;
  readonly maxRetryBackoffMs: number;
  /**
   * Wall-clock limit of one turn, applied by the runner to every backend: `agent.turn_timeout_ms`, else
   * `codex.turn_timeout_ms` (the spec's key).
   */
  readonly turnTimeoutMs: number;
  /** Keys normalised (trim + lowercase); invalid entries dropped. */
  readonly maxConcurrentAgentsByState: Readonly<Record<string, number>>;
}

/** `codex:` — approval/sandbox values are passed to codex (after translating legacy forms). */
export interface CodexConfig {
  readonly command: string;
  /** A valid `AskForApproval` for the pinned codex: a string or `{ granular: {...} }`. */
  readonly approvalPolicy: string | Readonly<Record<string, unknown>>;
  readonly threadSandbox: string;
  /** Null → the backend builds a workspace-write policy rooted at the workspace. */
  readonly turnSandboxPolicy: Readonly<Record<string, unknown>> | null;
  /** The spec's key; governs every backend unless `agent.turn_timeout_ms` is set (see {@link AgentConfig}). */
  readonly turnTimeoutMs: number;
  readonly readTimeoutMs: number;
  /** ≤ 0 disables stall detection. */
  readonly stallTimeoutMs: number;
  /** `isolated`: a fresh CODEX_HOME per attempt; `inherit`: the operator's. */
  readonly home: "inherit" | "isolated";
  /** Extra environment variable names passed to codex (never tracker secrets). */
  readonly envPassthrough: readonly string[];
}

/** `command:` — the command backend (`agent.backend: command`). */
export interface CommandBackendConfig {
  /** Shell command run per turn with the prompt on stdin; null when unset. */
  readonly run: string | null;
  /** Extra environment variable names passed through to the command (never tracker secrets). */
  readonly envPassthrough: readonly string[];
}

/** Providers the built-in agent speaks. */
export type BuiltinProvider = "openai" | "anthropic" | "google" | "openai-compatible";

/** `builtin:` — the built-in LLM-agnostic agent (`agent.backend: builtin`). */
export interface BuiltinBackendConfig {
  readonly provider: BuiltinProvider;
  readonly model: string | null;
  /** Resolved secret (from `$VAR`), or null. */
  readonly apiKey: string | null;
  readonly baseUrl: string | null;
  readonly maxSteps: number;
  readonly temperature: number | null;
  readonly maxOutputTokens: number | null;
  /** Tokens of context the model accepts; history is trimmed to fit. */
  readonly contextWindowTokens: number;
  /** Appended to the built-in coding-agent system prompt. */
  readonly systemPrompt: string | null;
  /** Allow-list of tool names; null → all. */
  readonly tools: readonly string[] | null;
  readonly commandTimeoutMs: number;
  /** Glob-like patterns; empty allow-list → all commands allowed unless denied. */
  readonly allowedCommands: readonly string[];
  readonly deniedCommands: readonly string[];
}

/** `server:` — HTTP API + dashboard extension. */
export interface ServerConfig {
  /** Null → disabled unless `--port` is given. */
  readonly port: number | null;
  readonly host: string;
  /** Required when bound to a non-loopback host. */
  readonly authToken: string | null;
}

/** `worker:` — SSH worker extension. */
export interface WorkerConfig {
  readonly sshHosts: readonly string[];
  readonly maxConcurrentAgentsPerHost: number | null;
}
