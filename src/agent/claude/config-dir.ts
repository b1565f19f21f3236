import type { Result } from "../../domain/result.js";
import type { Host } from "../../hosts/host.js";
import { type IsolatedDir, makeIsolatedDir } from "../isolated-dir.js";

// biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion, not a template
const SOURCE = '"${CLAUDE_CONFIG_DIR:-$HOME/.claude}"';

/** A fresh per-attempt CLAUDE_CONFIG_DIR on the host. */
export type IsolatedConfigDir = IsolatedDir;

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
  return makeIsolatedDir(
    host,
    {
      name: "claude-config",
      variable: "CLAUDE_CONFIG_DIR",
      fill: [
        `src=${SOURCE}`,
        'if [ -f "$src/.credentials.json" ]; then cp "$src/.credentials.json" "$d/.credentials.json"; chmod 600 "$d/.credentials.json"; fi',
      ],
    },
    { ...options, maxOutputBytes: 64 * 1024 },
  );
}
