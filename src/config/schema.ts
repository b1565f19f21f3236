import { z } from "zod";
import { publishSchema } from "../publish/settings.js";
import { rescueSchema, workspaceGcSchema } from "../rescue/settings.js";
import { limitsSchema } from "../spend/settings.js";
import type { ConfigKinds } from "./kind-settings.js";
import { profilesSchema } from "./profiles.js";
import { envNames, map, nonBlank, positiveInt, text, textList } from "./schema-parts.js";

const optionalScript = text
  .nullable()
  .default(null)
  .describe("Shell script run with bash in the workspace (see worker.login_shell)");

/** `tracker:` — scheduling keys plus adapter-owned `provider` settings (and Elixir's flat Linear keys). */
const trackerSchema = z
  .object({
    kind: text.optional().describe("Tracker adapter (see docs/trackers.md)"),
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

// `agent.backend` must name a registered backend kind; the first registered one is the default
function agentSchema(backends: readonly string[]) {
  const names = backends as [string, ...string[]];
  return z
    .object({
      backend: z.enum(names, { error: `must be one of ${backends.join(", ")}` }).default(names[0]),
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
}

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
    auth_token: text
      .nullable()
      .default(null)
      .describe("Secret; required off loopback (then at least 16 characters); $VAR allowed"),
    allowed_hosts: textList
      .default([])
      .describe("Host names the server answers besides loopback names and server.host"),
    max_sse_clients: positiveInt().default(64).describe("Most concurrent live dashboards (SSE clients)"),
  })
  .prefault({});

function workerSchema(hosts: readonly string[]) {
  const names = hosts as [string, ...string[]];
  return z
    .object({
      kind: z
        .enum(names, { error: `must be one of ${hosts.join(", ")}` })
        .nullable()
        .default(null)
        .describe("Where runs execute; null → ssh when ssh_hosts is set, else local"),
      ssh_hosts: z.array(nonBlank, { error: "must be a list of host names" }).default([]),
      max_concurrent_agents_per_host: positiveInt().nullable().default(null),
      login_shell: z
        .boolean({ error: "must be true or false" })
        .default(false)
        .describe(
          "Run hooks and agents in a login shell (bash -lc, reads ~/.profile); default: bash --noprofile --norc -c. Read at startup",
        ),
    })
    .prefault({});
}

const storeSchema = z
  .object({
    kind: nonBlank
      .default("embedded")
      .describe(
        "A store kind: embedded (a file under the data directory, the default) or postgres (a server shared by instances)",
      ),
    path: nonBlank
      .nullable()
      .default(null)
      .describe("Embedded store file; default <data dir>/<workflow name>-<hash>.db; `~`, $VAR allowed"),
    url: text.nullable().default(null).describe("Secret; postgres://user:pass@host/db; $VAR allowed"),
    lease_ttl_ms: positiveInt()
      .nullable()
      .default(null)
      .describe("Claim lease lifetime; default and minimum max(60 s, 3 poll intervals)"),
  })
  .prefault({});

// the sections config owns itself; each backend kind adds its own (`codex:`, `builtin:`, …)
const coreShape = {
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
};

/** The WORKFLOW.md front matter (snake_case, defaults applied) for these kinds; unknown top-level keys are ignored. */
export function frontMatterSchema(kinds: ConfigKinds) {
  const sections: Record<string, z.ZodType> = {};
  for (const name of kinds.backends.names) {
    const kind = kinds.backends.get(name);
    if (kind !== undefined) sections[kind.section] = kind.schema;
  }
  for (const name of kinds.hosts.names) {
    const settings = kinds.hosts.get(name)?.settings;
    if (settings !== undefined) sections[settings.section] = settings.schema;
  }
  return z.object({
    ...coreShape,
    agent: agentSchema(kinds.backends.names),
    ...sections,
    profiles: profilesSchema(kinds.backends.names),
    server: serverSchema,
    worker: workerSchema(kinds.hosts.names),
    limits: limitsSchema,
    store: storeSchema,
    publish: publishSchema,
  });
}

/** The parsed front matter, before paths, `$VAR`s, kind sections and the tracker provider are resolved. */
export type FrontMatter = z.output<ReturnType<typeof frontMatterSchema>> & {
  readonly [section: string]: unknown;
};

/** The parsed `tracker:` section. */
export type TrackerFrontMatter = z.output<typeof trackerSchema>;

/** Parses just the `tracker:` section (to report tracker problems alongside other sections' errors). */
export const trackerSectionSchema = trackerSchema;

/**
 * The JSON Schema of WORKFLOW.md front matter (what `symphony schema` prints). Known sections are closed
 * (`additionalProperties: false`) so editors flag a misspelled key; the top level stays open for extensions.
 */
export function workflowJsonSchema(kinds: ConfigKinds): Record<string, unknown> {
  const schema = z.toJSONSchema(frontMatterSchema(kinds), { io: "input", unrepresentable: "any" }) as {
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
