import { err, ok, type Result } from "../../domain/result.js";
import type { Host } from "../../hosts/host.js";

const MARKER = "__SYMPHONY_CLAUDE_CONFIG__";
// biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion, not a template
const SOURCE = '"${CLAUDE_CONFIG_DIR:-$HOME/.claude}"';

/** A fresh per-attempt CLAUDE_CONFIG_DIR on the host. */
export interface IsolatedConfigDir {
  readonly path: string;
  remove(): Promise<void>;
}

/**
 * Creates a fresh CLAUDE_CONFIG_DIR on `host` holding only the operator's subscription login
 * (`.credentials.json`, when there is one), so their settings, hooks, plugins, MCP servers and memory
 * files cannot reach the run. An API key login needs nothing here (ANTHROPIC_API_KEY via env_passthrough).
 */
export async function createIsolatedConfigDir(
  host: Host,
  options: {
    readonly cwd: string;
    readonly env: Readonly<Record<string, string>>;
    readonly timeoutMs: number;
    readonly signal: AbortSignal;
  },
): Promise<Result<IsolatedConfigDir, string>> {
  const made = await host.runScript(
    [
      "set -eu",
      `d=$(mktemp -d "\${TMPDIR:-/tmp}/symphony-claude-config.XXXXXX")`,
      'chmod 700 "$d"',
      `src=${SOURCE}`,
      'if [ -f "$src/.credentials.json" ]; then cp "$src/.credentials.json" "$d/.credentials.json"; chmod 600 "$d/.credentials.json"; fi',
      `printf '${MARKER}%s\\n' "$d"`,
    ].join("\n"),
    { ...options, maxOutputBytes: 64 * 1024 },
  );
  const path = new RegExp(`${MARKER}(/[^\\n]+)`).exec(made.output)?.[1];
  if (made.exitCode !== 0 || path === undefined) {
    return err(`creating an isolated CLAUDE_CONFIG_DIR failed: ${made.output.slice(0, 500)}`);
  }
  return ok({ path, remove: () => host.remove(path) });
}
