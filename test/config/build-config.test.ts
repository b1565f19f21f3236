import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildServiceConfig } from "../../src/config/build-config.js";
import type { ServiceConfig } from "../../src/config/types.js";
import type { WorkflowError } from "../../src/domain/workflow-error.js";
import { CONFIG_KINDS } from "../../src/kinds.js";

const dir = "/srv/project";
const path = join(dir, "WORKFLOW.md");

function build(raw: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) {
  return buildServiceConfig(raw, { workflowPath: path, env, kinds: CONFIG_KINDS });
}
function good(raw: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): ServiceConfig {
  const r = build(raw, env);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}
function bad(raw: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): WorkflowError[] {
  const r = build(raw, env);
  if (r.ok) throw new Error("expected errors");
  return r.error;
}
const memory = { tracker: { kind: "memory" } };

describe("config defaults (spec 6.4)", () => {
  it("17.1: config defaults apply when optional values are missing", () => {
    const c = good(memory);
    expect(c.workflowPath).toBe(path);
    expect(c.workflowDir).toBe(dir);
    expect(c.polling.intervalMs).toBe(30_000);
    // a per-user state directory, never the shared temp directory
    expect(c.workspace.root).toBe(join(homedir(), ".local", "state", "symphony", "workspaces"));
    expect(c.workspace.root.startsWith(tmpdir())).toBe(false);
    expect(c.hooks).toEqual({
      afterCreate: null,
      beforeRun: null,
      afterRun: null,
      beforeRemove: null,
      timeoutMs: 60_000,
      envPassthrough: [],
    });
    expect(c.agent).toEqual({
      backend: "codex",
      maxConcurrentAgents: 10,
      maxTurns: 20,
      maxRetryBackoffMs: 300_000,
      turnTimeoutMs: 3_600_000,
      maxConcurrentAgentsByState: {},
    });
    expect(c.codex).toEqual({
      command: "codex app-server",
      approvalPolicy: { granular: { sandbox_approval: false, rules: false, mcp_elicitations: false } },
      threadSandbox: "workspace-write",
      turnSandboxPolicy: null,
      turnTimeoutMs: 3_600_000,
      readTimeoutMs: 5_000,
      stallTimeoutMs: 300_000,
      home: "inherit",
      envPassthrough: [],
    });
    expect(c.tracker.activeStates).toEqual(["Todo", "In Progress"]);
    expect(c.tracker.terminalStates).toEqual(["Closed", "Cancelled", "Canceled", "Duplicate", "Done"]);
    expect(c.tracker.requiredLabels).toEqual([]);
    expect(c.command).toEqual({ run: null, envPassthrough: [] });
    expect(c.server).toEqual({
      port: null,
      host: "127.0.0.1",
      authToken: null,
      allowedHosts: [],
      maxSseClients: 64,
    });
    expect(c.worker).toEqual({ sshHosts: [], maxConcurrentAgentsPerHost: null, loginShell: false });
    expect(c.builtin).toMatchObject({
      provider: "openai-compatible",
      model: null,
      apiKey: null,
      maxSteps: 50,
      contextWindowTokens: 128_000,
      commandTimeoutMs: 120_000,
      allowedCommands: [],
      deniedCommands: [],
      tools: null,
    });
    expect(c.secretValues).toEqual([]);
  });

  it("empty sections written as `key:` (YAML null) use the defaults", () => {
    const c = good({ ...memory, polling: null, hooks: { timeout_ms: null }, agent: null });
    expect(c.polling.intervalMs).toBe(30_000);
    expect(c.hooks.timeoutMs).toBe(60_000);
  });

  it("the config is deeply frozen", () => {
    const c = good({ ...memory, agent: { max_concurrent_agents_by_state: { todo: 1 } } });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.agent.maxConcurrentAgentsByState)).toBe(true);
    expect(Object.isFrozen(c.tracker.provider)).toBe(true);
  });

  it("5.3: unknown top-level keys are ignored", () => {
    const c = good({ ...memory, observability: { dashboard_enabled: false }, something_new: 1 });
    expect(c.tracker.kind).toBe("memory");
  });

  it("explicit values override defaults and are echoed camelCase", () => {
    const c = good({
      ...memory,
      polling: { interval_ms: 5_000 },
      hooks: { after_create: "git clone x .", timeout_ms: 1_000 },
      agent: { max_concurrent_agents: 3, max_turns: 7, max_retry_backoff_ms: 1_000, backend: "command" },
      command: { run: "cat", env_passthrough: ["PATH_X"] },
      codex: {
        approval_policy: { granular: { rules: true } },
        turn_sandbox_policy: { type: "workspaceWrite" },
      },
      server: { port: 0, host: "0.0.0.0" },
      worker: { ssh_hosts: ["a", "b:22"], max_concurrent_agents_per_host: 2 },
    });
    expect(c.polling.intervalMs).toBe(5_000);
    expect(c.hooks.afterCreate).toBe("git clone x .");
    expect(c.agent.backend).toBe("command");
    expect(c.command).toEqual({ run: "cat", envPassthrough: ["PATH_X"] });
    expect(c.codex.approvalPolicy).toEqual({ granular: { rules: true } });
    expect(c.codex.turnSandboxPolicy).toEqual({ type: "workspaceWrite" });
    expect(c.server.port).toBe(0);
    expect(c.worker).toEqual({ sshHosts: ["a", "b:22"], maxConcurrentAgentsPerHost: 2, loginShell: false });
  });
});

describe("validation", () => {
  it.each([
    ["polling.interval_ms", { polling: { interval_ms: "fast" } }],
    ["polling.interval_ms", { polling: { interval_ms: 1.5 } }],
    ["agent.max_turns", { agent: { max_turns: 0 } }],
    ["agent.max_concurrent_agents", { agent: { max_concurrent_agents: -1 } }],
    ["agent.backend", { agent: { backend: "gpt" } }],
    ["tracker.active_states", { tracker: { kind: "memory", active_states: "Todo" } }],
    ["codex.turn_timeout_ms", { codex: { turn_timeout_ms: 0 } }],
    ["codex.read_timeout_ms", { codex: { read_timeout_ms: -5 } }],
    ["codex.approval_policy", { codex: { approval_policy: 3 } }],
    ["codex.turn_sandbox_policy", { codex: { turn_sandbox_policy: "workspaceWrite" } }],
    ["codex.home", { codex: { home: "shared" } }],
    ["hooks.timeout_ms", { hooks: { timeout_ms: 0 } }],
    ["hooks.after_create", { hooks: { after_create: 12 } }],
    ["server.port", { server: { port: 70_000 } }],
    ["worker.max_concurrent_agents_per_host", { worker: { max_concurrent_agents_per_host: 0 } }],
    ["builtin.temperature", { builtin: { temperature: 3 } }],
    ["command.env_passthrough.0", { command: { env_passthrough: ["BAD NAME"] } }],
  ])("invalid %s is an invalid_workflow_config naming the key and echoing the value", (key, raw) => {
    const errors = bad({ tracker: { kind: "memory" }, ...raw });
    expect(errors[0]).toMatchObject({ code: "invalid_workflow_config", key, path });
    expect(errors[0]?.message).toMatch(/got /);
  });

  it("errors never echo the value of a secret key, nor the contents of maps and lists", () => {
    const errors = [
      ...bad({ ...memory, builtin: { api_key: 12345678 }, server: { auth_token: 87654321 } }),
      ...bad({ tracker: { kind: "linear", provider: { api_key: 55556666, project_slug: "p" } } }),
    ];
    expect(errors.map((e) => e.key)).toEqual([
      "builtin.api_key",
      "server.auth_token",
      "tracker.provider.api_key",
      "tracker.provider.api_key",
    ]);
    const text = errors.map((e) => e.message).join("\n");
    expect(text).not.toMatch(/12345678|87654321|55556666/);
    expect(text).toContain("a number (value hidden)");
    expect(bad({ ...memory, polling: { interval_ms: { secret: "x" } } })[0]?.message).toBe(
      "must be a positive integer, got a map",
    );
  });

  it("a non-map section is rejected with its key", () => {
    expect(bad({ ...memory, agent: [1, 2] })[0]).toMatchObject({
      code: "invalid_workflow_config",
      key: "agent",
    });
  });

  it("codex.stall_timeout_ms <= 0 is accepted (disables stall detection)", () => {
    expect(good({ ...memory, codex: { stall_timeout_ms: 0 } }).codex.stallTimeoutMs).toBe(0);
    expect(good({ ...memory, codex: { stall_timeout_ms: -1 } }).codex.stallTimeoutMs).toBe(-1);
  });

  it("6.3: a blank codex.command fails validation", () => {
    expect(bad({ ...memory, codex: { command: "   " } })[0]).toMatchObject({ key: "codex.command" });
  });

  it("17.1: codex.command is preserved as a shell command string", () => {
    const command = "codex --config 'model=\"gpt-5.5\"' app-server $EXTRA ~/x";
    expect(good({ ...memory, codex: { command } }).codex.command).toBe(command);
  });

  it("the command backend requires command.run; the builtin backend requires builtin.model", () => {
    expect(bad({ ...memory, agent: { backend: "command" } })[0]).toMatchObject({ key: "command.run" });
    expect(bad({ ...memory, agent: { backend: "builtin" } })[0]).toMatchObject({ key: "builtin.model" });
  });
});

describe("tracker kind", () => {
  it("17.1: tracker.kind validation enforces a supported adapter", () => {
    expect(bad({ tracker: { kind: "jira2" } })[0]).toMatchObject({
      code: "unsupported_tracker_kind",
      key: "tracker.kind",
    });
    expect(bad({})[0]).toMatchObject({ code: "unsupported_tracker_kind", key: "tracker.kind" });
  });

  it("17.1: tracker.provider keys are validated through the selected adapter", () => {
    expect(bad({ tracker: { kind: "linear", provider: { api_key: "k" } } })[0]).toMatchObject({
      key: "tracker.provider.project_slug",
    });
    expect(bad({ tracker: { kind: "local", provider: { path: 5 } } })[0]).toMatchObject({
      key: "tracker.provider.path",
    });
  });

  it("tracker.kind is matched case-insensitively and stored lower-case", () => {
    expect(good({ tracker: { kind: " Memory " } }).tracker.kind).toBe("memory");
  });

  it("tracker problems are reported alongside other section errors", () => {
    const errors = bad({ tracker: { kind: "linear" }, agent: { max_turns: 0 } });
    expect(errors.map((e) => e.key)).toEqual([
      "agent.max_turns",
      "tracker.provider.api_key",
      "tracker.provider.project_slug",
    ]);
  });

  it("17.1: tracker.provider preserves adapter-owned keys: core hands every key to the adapter's parser", () => {
    // `timeout_ms` and `page_size` are unknown to the core schema; only the Linear adapter knows them.
    const c = good({
      tracker: {
        kind: "linear",
        provider: { api_key: "k-1234", project_slug: "p", timeout_ms: 900, page_size: 7 },
      },
    });
    expect(c.tracker.provider).toMatchObject({ timeoutMs: 900, pageSize: 7 });
    expect(
      bad({ tracker: { kind: "linear", provider: { api_key: "k", project_slug: "p", page_size: 0 } } })[0],
    ).toMatchObject({
      key: "tracker.provider.page_size",
    });
  });

  it("17.1: tracker.provider holds the adapter's parsed settings", () => {
    const c = good({ tracker: { kind: "local", provider: { path: "./tickets" } } });
    expect(c.tracker.provider).toEqual({ path: join(dir, "tickets") });
  });

  it("Elixir compatibility: flat Linear keys fold into the provider; provider values win", () => {
    const c = good(
      {
        tracker: {
          kind: "linear",
          api_key: "$LIN",
          project_slug: "flat-slug",
          endpoint: "https://flat.example/graphql",
          provider: { project_slug: "nested-slug" },
        },
      },
      { LIN: "lin_secret" },
    );
    expect(c.tracker.provider).toMatchObject({
      apiKey: "lin_secret",
      projectSlug: "nested-slug",
      endpoint: "https://flat.example/graphql",
    });
    expect(c.secretValues).toContain("lin_secret");
  });

  it("required_labels are trimmed and lower-cased; a blank label is kept", () => {
    const c = good({ tracker: { kind: "memory", required_labels: [" Symphony ", "symphony", ""] } });
    expect(c.tracker.requiredLabels).toEqual(["symphony", ""]);
  });

  it("explicit active/terminal states replace the kind defaults, spelling preserved", () => {
    const c = good({ tracker: { kind: "memory", active_states: ["Ready"], terminal_states: ["Shipped"] } });
    expect(c.tracker.activeStates).toEqual(["Ready"]);
    expect(c.tracker.terminalStates).toEqual(["Shipped"]);
  });
});

describe("paths and $VAR", () => {
  it("17.1: ~ path expansion works for workspace.root", () => {
    expect(good({ ...memory, workspace: { root: "~/ws" } }, { HOME: "/home/op" }).workspace.root).toBe(
      "/home/op/ws",
    );
    expect(good({ ...memory, workspace: { root: "~" } }, { HOME: "/home/op" }).workspace.root).toBe(
      "/home/op",
    );
  });

  it("relative workspace.root resolves against the WORKFLOW.md directory", () => {
    expect(good({ ...memory, workspace: { root: "ws/../spaces" } }).workspace.root).toBe(join(dir, "spaces"));
  });

  it("17.1: $VAR resolution works for path values", () => {
    expect(good({ ...memory, workspace: { root: "$WS_ROOT" } }, { WS_ROOT: "/data/ws" }).workspace.root).toBe(
      "/data/ws",
    );
    expect(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${VAR} reference is the input under test
      good({ ...memory, workspace: { root: "${WS_ROOT}" } }, { WS_ROOT: "~/w", HOME: "/h" }).workspace.root,
    ).toBe("/h/w");
  });

  it("the default root follows $XDG_STATE_HOME, else $HOME/.local/state", () => {
    expect(good(memory, { XDG_STATE_HOME: "/state", HOME: "/h" }).workspace.root).toBe(
      "/state/symphony/workspaces",
    );
    expect(good(memory, { HOME: "/h" }).workspace.root).toBe("/h/.local/state/symphony/workspaces");
    // a relative XDG_STATE_HOME is invalid per the XDG spec and ignored
    expect(good(memory, { XDG_STATE_HOME: "rel", HOME: "/h" }).workspace.root).toBe(
      "/h/.local/state/symphony/workspaces",
    );
  });

  it("an unset or empty $VAR workspace root falls back to the default", () => {
    const fallback = join(homedir(), ".local", "state", "symphony", "workspaces");
    expect(good({ ...memory, workspace: { root: "$NOPE" } }).workspace.root).toBe(fallback);
    expect(good({ ...memory, workspace: { root: "$EMPTY" } }, { EMPTY: "" }).workspace.root).toBe(fallback);
  });

  it("A.1: the raw workspace root keeps ~ and relative paths for SSH workers ($VAR still resolved)", () => {
    const raw = (root: string | undefined, env: NodeJS.ProcessEnv = {}) =>
      good(root === undefined ? memory : { ...memory, workspace: { root } }, { HOME: "/home/op", ...env })
        .workspace.rootRaw;
    expect(raw("~/ws")).toBe("~/ws");
    expect(raw("ws/../spaces")).toBe("ws/../spaces");
    expect(raw("$WS_ROOT", { WS_ROOT: "~/remote" })).toBe("~/remote");
    expect(raw("$NOPE")).toBeNull();
    expect(raw(undefined)).toBeNull();
  });

  it("A: an invalid worker.ssh_hosts entry is an invalid_workflow_config naming its index", () => {
    const errors = bad({ ...memory, worker: { ssh_hosts: ["good-host", "-oProxyCommand=x", "h:99999"] } });
    expect(errors.map((e) => [e.code, e.key])).toEqual([
      ["invalid_workflow_config", "worker.ssh_hosts[1]"],
      ["invalid_workflow_config", "worker.ssh_hosts[2]"],
    ]);
    expect(errors[0]?.message).toContain('"-oProxyCommand=x"');
    expect(errors[1]?.message).toContain("port out of range");
  });

  it("17.1: $VAR resolution works for secrets, which are collected for redaction; empty counts as missing", () => {
    const c = good(
      { ...memory, server: { auth_token: "$TOKEN" }, builtin: { api_key: "$KEY" } },
      { TOKEN: "tok-123", KEY: "sk-abc" },
    );
    expect(c.server.authToken).toBe("tok-123");
    expect(c.builtin.apiKey).toBe("sk-abc");
    expect(c.secretValues).toEqual(expect.arrayContaining(["tok-123", "sk-abc"]));
    const empty = good({ ...memory, server: { auth_token: "$TOKEN" } }, { TOKEN: "" });
    expect(empty.server.authToken).toBeNull();
    expect(empty.secretValues).toEqual([]);
  });

  it("values of credential-named env_passthrough variables are collected for redaction; others are not", () => {
    const c = good(
      {
        ...memory,
        codex: { env_passthrough: ["OPENAI_API_KEY", "LANG"] },
        command: { env_passthrough: ["GH_TOKEN", "DB_PASSWORD"] },
      },
      { OPENAI_API_KEY: "sk-pass-1234", LANG: "en_US.UTF-8", GH_TOKEN: "ghp_pass", DB_PASSWORD: "hunter22" },
    );
    expect(c.secretValues).toEqual(expect.arrayContaining(["sk-pass-1234", "ghp_pass", "hunter22"]));
    expect(c.secretValues).not.toContain("en_US.UTF-8");
  });

  it("tracker.webhook_secret resolves $VAR, is collected for redaction, and is null when absent or unset", () => {
    const c = good({ tracker: { kind: "memory", webhook_secret: "$HOOK" } }, { HOOK: "wh-456" });
    expect(c.tracker.webhookSecret).toBe("wh-456");
    expect(c.secretValues).toContain("wh-456");
    expect(good(memory).tracker.webhookSecret).toBeNull();
    expect(good({ tracker: { kind: "memory", webhook_secret: "$HOOK" } }).tracker.webhookSecret).toBeNull();
    expect(bad({ tracker: { kind: "memory", webhook_secret: 42 } })[0]?.key).toBe("tracker.webhook_secret");
  });

  it("a literal secret is also collected for redaction", () => {
    expect(good({ ...memory, server: { auth_token: "literal-token" } }).secretValues).toEqual([
      "literal-token",
    ]);
  });
});

describe("max_concurrent_agents_by_state", () => {
  it("17.1: per-state concurrency overrides normalise state names and ignore invalid values", () => {
    const c = good({
      ...memory,
      agent: {
        max_concurrent_agents_by_state: {
          " In Progress ": 2,
          TODO: 1,
          zero: 0,
          neg: -3,
          half: 1.5,
          text: "4",
          "": 3,
        },
      },
    });
    expect(c.agent.maxConcurrentAgentsByState).toEqual({ "in progress": 2, todo: 1 });
  });
});
