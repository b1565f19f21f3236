import { z } from "zod";
import { claudeSchema } from "../agent/claude/settings.js";
import { rescueSchema, workspaceGcSchema } from "../rescue/settings.js";
import { limitsSchema } from "../spend/settings.js";

const positiveInt = (what = "a positive integer") =>
  z
    .number({ error: `must be ${what}` })
    .int({ error: `must be ${what}` })
    .positive({ error: `must be ${what}` });
const integer = z.number({ error: "must be an integer" }).int({ error: "must be an integer" });
const text = z.string({ error: "must be a string" });
const nonBlank = text.trim().min(1, { error: "must not be blank" });
const textList = z.array(text, { error: "must be a list of strings" });
const optionalScript = text
  .nullable()
  .default(null)
  .describe("Shell script run with `bash -lc` in the workspace");
const map = z.record(z.string(), z.unknown(), { error: "must be a map" });

/** `tracker:` — scheduling keys plus adapter-owned `provider` settings (and Elixir's flat Linear keys). */
const trackerSchema = z
  .object({
    kind: text.optional().describe("Tracker adapter: memory, local, linear, github, gitlab, jira or asana"),
    provider: map.nullable().default({}).describe("Adapter-owned settings (see the tracker's PROFILE.md)"),
    active_states: textList.optional().describe("Provider-native states that are eligible for work"),
    terminal_states: textList.optional().describe("Provider-native states that end work"),
    required_labels: textList.default([]).describe("Every label an issue must carry to be dispatched"),
    webhook_secret: text
      .nullable()
      .default(null)
      .describe("Secret that signs tracker webhooks (POST /api/v1/webhooks/tracker); $VAR allowed"),
    endpoint: z.unknown().optional().describe("Legacy flat key, folded into tracker.provider"),
    api_key: z.unknown().optional().describe("Legacy flat key, folded into tracker.provider"),
    project_slug: z.unknown().optional().describe("Legacy flat key, folded into tracker.provider"),
    assignee: z.unknown().optional().describe("Legacy flat key, folded into tracker.provider"),
    path: z.unknown().optional().describe("Legacy flat key, folded into tracker.provider"),
    issues: z.unknown().optional().describe("Legacy flat key, folded into tracker.provider"),
  })
  .prefault({});

const envNames = z
  .array(text.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "must be an environment variable name" }), {
    error: "must be a list of environment variable names",
  })
  .default([]);

const hooksSchema = z
  .object({
    after_create: optionalScript,
    before_run: optionalScript,
    after_run: optionalScript,
    before_remove: optionalScript,
    timeout_ms: positiveInt().default(60_000),
    env_passthrough: envNames.describe(
      "Extra environment variables hooks receive (e.g. SSH_AUTH_SOCK, GH_TOKEN, HTTPS_PROXY); tracker secrets never",
    ),
  })
  .prefault({});

const agentSchema = z
  .object({
    backend: z
      .enum(["codex", "builtin", "command", "claude"], {
        error: "must be one of codex, builtin, command, claude",
      })
      .default("codex"),
    max_concurrent_agents: positiveInt().default(10),
    max_turns: positiveInt().default(20),
    max_retry_backoff_ms: positiveInt().default(300_000),
    turn_timeout_ms: positiveInt()
      .optional()
      .describe("Wall-clock limit of one agent turn on every backend; unset: codex.turn_timeout_ms"),
    max_concurrent_agents_by_state: map
      .default({})
      .meta({ additionalProperties: { type: "integer", minimum: 1 } })
      .describe("State name → positive integer; keys are trimmed and lower-cased, invalid entries ignored"),
  })
  .prefault({});

const codexSchema = z
  .object({
    command: text.default("codex app-server").describe("Launched with `bash -lc` in the workspace"),
    approval_policy: z
      .union([text, map], { error: "must be a string or a map" })
      .default({ granular: { sandbox_approval: false, rules: false, mcp_elicitations: false } })
      .describe("Codex AskForApproval value; the Elixir `reject` map is translated to `granular`"),
    thread_sandbox: text.default("workspace-write").describe("Codex SandboxMode value, passed through"),
    turn_sandbox_policy: map
      .nullable()
      .default(null)
      .describe("Codex SandboxPolicy value; null builds a workspace-write policy"),
    turn_timeout_ms: positiveInt().default(3_600_000),
    read_timeout_ms: positiveInt().default(5_000),
    stall_timeout_ms: integer.default(300_000).describe("≤ 0 disables stall detection"),
    home: z
      .enum(["inherit", "isolated"], { error: "must be inherit or isolated" })
      .default("inherit")
      .describe("isolated: a fresh CODEX_HOME per attempt"),
    env_passthrough: envNames.describe("Extra environment variables passed to codex (e.g. OPENAI_API_KEY)"),
  })
  .prefault({});

const commandSchema = z
  .object({
    run: text.nullable().default(null).describe("Shell command run per turn with the prompt on stdin"),
    env_passthrough: envNames,
  })
  .prefault({});

const builtinSchema = z
  .object({
    provider: z
      .enum(["openai", "anthropic", "google", "openai-compatible"], {
        error: "must be one of openai, anthropic, google, openai-compatible",
      })
      .default("openai-compatible"),
    model: nonBlank.nullable().default(null),
    api_key: text.nullable().default(null).describe("Secret; use $VAR to read it from the environment"),
    base_url: text.url({ error: "must be a URL" }).nullable().default(null),
    max_steps: positiveInt().default(50),
    temperature: z
      .number({ error: "must be a number between 0 and 2" })
      .min(0, { error: "must be a number between 0 and 2" })
      .max(2, { error: "must be a number between 0 and 2" })
      .nullable()
      .default(null),
    max_output_tokens: positiveInt().nullable().default(null),
    context_window_tokens: positiveInt().default(128_000),
    system_prompt: text.nullable().default(null),
    tools: textList.nullable().default(null).describe("Allow-list of tool names; null → all"),
    command_timeout_ms: positiveInt().default(120_000),
    allowed_commands: textList.default([]),
    denied_commands: textList.default([]),
  })
  .prefault({});

const serverSchema = z
  .object({
    port: z
      .number({ error: "must be an integer from 0 to 65535" })
      .int({ error: "must be an integer from 0 to 65535" })
      .min(0, { error: "must be an integer from 0 to 65535" })
      .max(65_535, { error: "must be an integer from 0 to 65535" })
      .nullable()
      .default(null)
      .describe("HTTP API and dashboard port; null disables it unless --port is given"),
    host: nonBlank.default("127.0.0.1"),
    auth_token: text.nullable().default(null).describe("Secret; required off loopback; $VAR allowed"),
  })
  .prefault({});

const workerSchema = z
  .object({
    ssh_hosts: z.array(nonBlank, { error: "must be a list of host names" }).default([]),
    max_concurrent_agents_per_host: positiveInt().nullable().default(null),
  })
  .prefault({});

/** The WORKFLOW.md front matter (snake_case, defaults applied); unknown top-level keys are ignored. */
export const frontMatterSchema = z.object({
  tracker: trackerSchema,
  polling: z.object({ interval_ms: positiveInt().default(30_000) }).prefault({}),
  workspace: z
    .object({
      root: nonBlank
        .optional()
        .describe("Workspace root; `~`, `$VAR` and paths relative to WORKFLOW.md are resolved"),
      rescue: rescueSchema.describe("Saving unsaved work before a workspace is removed"),
      gc: workspaceGcSchema.describe("Limits on kept workspaces (local host)"),
    })
    .prefault({}),
  hooks: hooksSchema,
  agent: agentSchema,
  codex: codexSchema,
  command: commandSchema,
  builtin: builtinSchema,
  claude: claudeSchema.describe("The Claude Code backend (agent.backend: claude)"),
  server: serverSchema,
  worker: workerSchema,
  limits: limitsSchema,
});

/** The parsed front matter, before paths, `$VAR`s and the tracker provider are resolved. */
export type FrontMatter = z.output<typeof frontMatterSchema>;

/**
 * The JSON Schema of WORKFLOW.md front matter (what `symphony schema` prints). Known sections are closed
 * (`additionalProperties: false`) so editors flag a misspelled key; the top level stays open for extensions.
 */
export function workflowJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(frontMatterSchema, { io: "input", unrepresentable: "any" }) as {
    properties?: Record<string, Record<string, unknown>>;
  };
  const properties = Object.fromEntries(
    Object.entries(schema.properties ?? {}).map(([name, section]) => [
      name,
      section.properties === undefined ? section : { ...section, additionalProperties: false },
    ]),
  );
  return { ...schema, properties, title: "Symphony WORKFLOW.md front matter" };
}
