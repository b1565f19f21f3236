import { homedir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import type { z } from "zod";
import type { ConfigProblem } from "../domain/config-problem.js";
import { err, ok, type Result } from "../domain/result.js";
import type { WorkflowError } from "../domain/workflow-error.js";
import { parseSshDestination } from "../hosts/ssh-destination.js";
import { buildPublishSettings } from "../publish/settings.js";
import { toSpendSettings } from "../spend/settings.js";
import { defaultDataDir } from "../util/data-dir.js";
import { urlCredentials } from "../util/url-credentials.js";
import { buildProfiles } from "./build-profiles.js";
import { normaliseByState } from "./by-state.js";
import { resolveConfigPath, resolveOptionalSecret, resolveVarValue } from "./env-values.js";
import type { ConfigKinds, TrackerSettingsKind } from "./kind-settings.js";
import { configError, showValue } from "./provider.js";
import { frontMatterSchema, type TrackerFrontMatter, trackerSectionSchema } from "./schema.js";
import type { ServiceConfig, TrackerConfig } from "./types.js";

/** Inputs to {@link buildServiceConfig} besides the front matter itself. */
export interface BuildConfigOptions {
  /** The WORKFLOW.md the front matter came from; relative paths resolve against its directory. */
  readonly workflowPath: string;
  readonly env: NodeJS.ProcessEnv;
  /** The tracker and backend kinds (`CONFIG_KINDS` from `src/kinds.ts`); config itself names none. */
  readonly kinds: ConfigKinds;
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

/** A kind's typed problem as a workflow error (the loader adds the file path and position). */
export function problemError(p: ConfigProblem): WorkflowError {
  const base = configError(p.key, p.message);
  return p.severity === "warning" ? { ...base, severity: "warning" } : base;
}

// Looks up a tracker kind; unknown or missing → `unsupported_tracker_kind`.
function trackerKind(
  kinds: ConfigKinds,
  kind: string | undefined,
): Result<TrackerSettingsKind, WorkflowError> {
  const supported = `supported kinds: ${kinds.trackers.names.join(", ")}`;
  if (kind === undefined || kind.trim() === "") {
    return err(configError("tracker.kind", `is required; ${supported}`, "unsupported_tracker_kind"));
  }
  const found = kinds.trackers.get(kind.trim().toLowerCase());
  if (found === undefined) {
    return err(
      configError(
        "tracker.kind",
        `unsupported tracker kind ${showValue(kind)}; ${supported}`,
        "unsupported_tracker_kind",
      ),
    );
  }
  return ok(found);
}

/**
 * The default local workspace root: a per-user state directory (`$XDG_STATE_HOME/symphony/workspaces`,
 * else `~/.local/state/symphony/workspaces`), never the shared temp directory where another local user
 * could pre-create a workspace.
 */
export function defaultWorkspaceRoot(env: NodeJS.ProcessEnv): string {
  const state = env.XDG_STATE_HOME?.trim();
  if (state !== undefined && state !== "" && isAbsolute(state)) return join(state, "symphony", "workspaces");
  const home = env.HOME?.trim() || homedir();
  return join(home, ".local", "state", "symphony", "workspaces");
}

function resolveWorkspaceRoot(root: string | undefined, workflowDir: string, env: NodeJS.ProcessEnv): string {
  const fallback = defaultWorkspaceRoot(env);
  if (root === undefined) return fallback;
  const resolved = resolveVarValue(root, env);
  // An unset or empty `$VAR` root means "use the default" (as the Elixir reference does).
  if (resolved.kind === "env_unset" || resolved.kind === "env_empty") return fallback;
  return resolveConfigPath(resolved.value, workflowDir, env);
}

/** Names of environment variables that hold credentials by convention (`OPENAI_API_KEY`, `GH_TOKEN`, …). */
const SECRET_ENV_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH|PAT)(_|$)/i;

// Values of passthrough variables whose names mark them as credentials: agents receive them, so they
// must be redacted from everything Symphony shows or writes.
function passthroughSecrets(names: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const values: string[] = [];
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value.trim() !== "" && SECRET_ENV_NAME.test(name)) values.push(value);
  }
  return values;
}

// Every backend section's `envPassthrough` names (the resolved sections keep them camelCase).
function passthroughNames(sections: Readonly<Record<string, unknown>>): string[] {
  const names: string[] = [];
  for (const section of Object.values(sections)) {
    const list = (section as { envPassthrough?: unknown } | null)?.envPassthrough;
    if (Array.isArray(list)) names.push(...list.filter((n): n is string => typeof n === "string"));
  }
  return names;
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
  kinds: ConfigKinds,
  fm: TrackerFrontMatter,
  workflowDir: string,
  env: NodeJS.ProcessEnv,
  errors: WorkflowError[],
  secrets: string[],
): TrackerConfig | null {
  const kind = trackerKind(kinds, fm.kind);
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
  // credentials written into an endpoint URL (`https://user:token@host`) are secrets too
  secrets.push(...urlCredentials(JSON.stringify(parsed.value)));
  const labels = new Set(fm.required_labels.map((label) => label.trim().toLowerCase()));
  const activeStates = fm.active_states ?? kind.value.defaultActiveStates;
  const terminalStates = fm.terminal_states ?? kind.value.defaultTerminalStates;
  const stateErrors = kind.value.validateStates?.(parsed.value, activeStates, terminalStates) ?? [];
  if (stateErrors.length > 0) {
    errors.push(...stateErrors);
    return null;
  }
  // the provider was parsed by the kind named `kind`, which is what ties the two together
  return {
    kind: kind.value.name,
    activeStates,
    terminalStates,
    requiredLabels: [...labels],
    provider: parsed.value,
    webhookSecret: resolveOptionalSecret(fm.webhook_secret, env, secrets),
  } as TrackerConfig;
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
  const { env, kinds } = options;
  const cleaned = dropNulls(raw);
  const schema = frontMatterSchema(kinds);
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const errors = zodErrors(cleaned, parsed.error.issues);
    // Report tracker problems too when the tracker section itself is well-formed, so one pass shows all.
    const tracker = trackerSectionSchema.safeParse(cleaned.tracker);
    if (tracker.success && !parsed.error.issues.some((issue) => issue.path[0] === "tracker")) {
      buildTracker(kinds, tracker.data, workflowDir, env, errors, []);
    }
    return err(withPath(errors, workflowPath));
  }
  const fm = parsed.data as Record<string, unknown> & typeof parsed.data;
  const errors: WorkflowError[] = [];
  const secrets: string[] = [];

  const tracker = buildTracker(kinds, fm.tracker, workflowDir, env, errors, secrets);
  // every backend's section is resolved (defaults apply); load-time checks only for the selected one
  const sections: Record<string, unknown> = {};
  for (const name of kinds.backends.names) {
    const kind = kinds.backends.get(name);
    if (kind === undefined) continue;
    const resolved = kind.resolve(fm[kind.section], { workflowDir, env }, name === fm.agent.backend);
    sections[kind.section] = resolved.settings;
    secrets.push(...resolved.secrets);
    errors.push(...resolved.problems.map(problemError));
  }
  const profiles = buildProfiles(fm.profiles, cleaned, kinds, { workflowDir, env }, errors, secrets);
  errors.push(...sshHostErrors(fm.worker.ssh_hosts));
  const workerKind = fm.worker.kind ?? (fm.worker.ssh_hosts.length > 0 ? "ssh" : "local");
  // the selected host kind's own section (e.g. `docker:`) is resolved only when that kind is in use
  const hostSection = kinds.hosts.get(workerKind)?.settings;
  let hostWorker: Record<string, unknown> = {};
  if (hostSection !== undefined) {
    const resolved = hostSection.resolve(fm[hostSection.section], { workflowDir, env }, true);
    secrets.push(...resolved.secrets);
    errors.push(...resolved.problems.map(problemError));
    if (resolved.settings !== null) {
      hostWorker = {
        [hostSection.section]: resolved.settings,
        pool: hostSection.pool(resolved.settings),
      };
    }
  } else if (workerKind === "ssh" && fm.worker.ssh_hosts.length === 0) {
    errors.push(configError("worker.ssh_hosts", "must name at least one host when worker.kind is ssh"));
  }
  secrets.push(...passthroughSecrets(passthroughNames(sections), env));
  const profileSections = Object.fromEntries(profiles.map((p) => [p.name, p.settings]));
  secrets.push(...passthroughSecrets(passthroughNames(profileSections), env));
  const authToken = resolveOptionalSecret(fm.server.auth_token, env, secrets);
  const storeUrl = resolveOptionalSecret(fm.store.url, env, secrets);
  const store = {
    kind: fm.store.kind.trim().toLowerCase(),
    path: fm.store.path === null ? null : resolveConfigPath(fm.store.path, workflowDir, env),
    url: storeUrl,
    leaseTtlMs: fm.store.lease_ttl_ms,
  };
  const storeKind = kinds.stores.get(store.kind);
  if (storeKind === undefined) {
    errors.push(
      configError(
        "store.kind",
        `must be one of ${kinds.stores.names.join(", ")}, got ${showValue(fm.store.kind, "store.kind")}`,
      ),
    );
  } else {
    errors.push(...storeKind.check(store).map(problemError));
  }
  const publish = buildPublishSettings(fm.publish, env, secrets, errors);
  if (errors.some((e) => e.severity !== "warning") || tracker === null) {
    return err(withPath(errors, workflowPath));
  }

  const config = {
    ...sections,
    workflowPath,
    workflowDir,
    tracker,
    polling: { intervalMs: fm.polling.interval_ms },
    profiles,
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
      turnTimeoutMs: fm.agent.turn_timeout_ms ?? specTurnTimeoutMs(sections),
      maxConcurrentAgentsByState: normaliseByState(fm.agent.max_concurrent_agents_by_state),
    },
    server: {
      port: fm.server.port,
      host: fm.server.host,
      authToken,
      allowedHosts: fm.server.allowed_hosts,
      maxSseClients: fm.server.max_sse_clients,
    },
    worker: {
      sshHosts: fm.worker.ssh_hosts,
      maxConcurrentAgentsPerHost: fm.worker.max_concurrent_agents_per_host,
      loginShell: fm.worker.login_shell,
      ...(fm.worker.kind === null ? {} : { kind: workerKind }),
      ...hostWorker,
    },
    limits: toSpendSettings(fm.limits),
    store,
    publish,
    secretValues: [...new Set(secrets.filter((s) => s !== ""))],
  } as unknown as ServiceConfig; // `sections` carries each backend's section (BackendSections)
  return ok(deepFreeze(config));
}

// The spec names `codex.turn_timeout_ms` as the turn timeout (spec 5.3.6); it is read by key, as data, so
// config imports nothing from the codex backend.
const DEFAULT_TURN_TIMEOUT_MS = 3_600_000;
function specTurnTimeoutMs(sections: Readonly<Record<string, unknown>>): number {
  const codex = sections.codex as { readonly turnTimeoutMs?: unknown } | undefined;
  return typeof codex?.turnTimeoutMs === "number" ? codex.turnTimeoutMs : DEFAULT_TURN_TIMEOUT_MS;
}

function withPath(errors: readonly WorkflowError[], path: string): WorkflowError[] {
  return errors.map((e) => ({ ...e, path }));
}
