import { err, type Result } from "../../domain/result.js";
import type { Host } from "../../hosts/host.js";
import { type IsolatedDir, makeIsolatedDir } from "../isolated-dir.js";

/** Root keys of the operator's config.toml an isolated home keeps (model choice and login method). */
const ROOT_KEYS = new Set([
  "model",
  "model_provider",
  "model_reasoning_effort",
  "model_reasoning_summary",
  "model_verbosity",
  "model_context_window",
  "model_auto_compact_token_limit",
  "preferred_auth_method",
  "forced_login_method",
]);
/** Tables an isolated home keeps: provider definitions only (no MCP servers, plugins, profiles, hooks). */
const TABLES = new Set(["model_providers"]);

/**
 * Keeps only the model/provider settings of a codex config.toml (line-based; no TOML library needed for
 * this subset): allow-listed root keys and `[model_providers.*]` tables. Everything else is dropped.
 */
export function filterProviderConfig(toml: string): string {
  const out: string[] = [];
  let inRoot = true;
  let keepTable = false;
  let keepRootValue = false;
  for (const line of toml.split(/\r?\n/)) {
    const t = line.trim();
    if (t.startsWith("[")) {
      inRoot = false;
      const first =
        t
          .replace(/^\[+\s*/, "")
          .split(/[.\]]/)[0]
          ?.replace(/["']/g, "")
          .trim() ?? "";
      keepTable = TABLES.has(first);
      if (keepTable) out.push(line);
      continue;
    }
    if (!inRoot) {
      if (keepTable) out.push(line);
      continue;
    }
    const key = /^["']?([A-Za-z0-9_-]+)["']?\s*=/.exec(t)?.[1];
    if (key !== undefined) {
      keepRootValue = ROOT_KEYS.has(key);
      if (keepRootValue) out.push(line);
    } else if (keepRootValue && t !== "" && !t.startsWith("#")) {
      out.push(line); // continuation of a multi-line value
    }
  }
  return `${out.join("\n").trim()}\n`;
}

const MARKER = "__SYMPHONY_CODEX_HOME__";
// biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion, not a template
const SOURCE = '"${CODEX_HOME:-$HOME/.codex}"';

/** A fresh per-attempt CODEX_HOME on the host. */
export type IsolatedHome = IsolatedDir;

/**
 * Creates a fresh CODEX_HOME on `host` holding only the operator's login (`auth.json`) and the filtered
 * provider settings of their config.toml, so their plugins and MCP servers cannot reach the run.
 */
export async function createIsolatedHome(
  host: Host,
  options: {
    readonly cwd: string;
    readonly env: Readonly<Record<string, string>>;
    readonly timeoutMs: number;
    readonly signal: AbortSignal;
  },
): Promise<Result<IsolatedHome, string>> {
  const run = {
    cwd: options.cwd,
    env: options.env,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    maxOutputBytes: 1024 * 1024,
  };
  const read = await host.runScript(
    `src=${SOURCE}; if [ -f "$src/config.toml" ]; then printf '%s\\n' '${MARKER}'; cat "$src/config.toml"; fi`,
    run,
  );
  if (read.exitCode !== 0)
    return err(`reading the operator codex config failed: ${read.output.slice(0, 500)}`);
  const at = read.output.indexOf(`${MARKER}\n`);
  const source = at === -1 ? "" : read.output.slice(at + MARKER.length + 1);
  const config = Buffer.from(filterProviderConfig(source), "utf8").toString("base64");
  return makeIsolatedDir(
    host,
    {
      name: "codex-home",
      variable: "CODEX_HOME",
      fill: [
        `src=${SOURCE}`,
        'if [ -f "$src/auth.json" ]; then cp "$src/auth.json" "$d/auth.json"; chmod 600 "$d/auth.json"; fi',
        `printf '%s' '${config}' | base64 -d > "$d/config.toml"`,
      ],
    },
    run,
  );
}
