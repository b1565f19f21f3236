import { err, ok, type Result } from "../domain/result.js";
import type { Host, RunScriptOptions } from "../hosts/host.js";

/** A fresh per-attempt directory on a host (a private CODEX_HOME, CLAUDE_CONFIG_DIR, …). */
export interface IsolatedDir {
  readonly path: string;
  remove(): Promise<void>;
}

/** What goes into an isolated directory. */
export interface IsolatedDirSpec {
  /** `symphony-<name>.XXXXXX` under `$TMPDIR` (or /tmp). */
  readonly name: string;
  /** The environment variable the directory stands for, for the error text. */
  readonly variable: string;
  /** Shell lines run with `$d` = the new directory (mode 0700) and `set -eu`. */
  readonly fill: readonly string[];
}

const MARKER = "__SYMPHONY_ISOLATED_DIR__";

/**
 * Creates a mode-0700 temporary directory on `host` and fills it, so an agent's run sees only what
 * Symphony put there (the operator's login, filtered settings), never their plugins, hooks or memory.
 */
export async function makeIsolatedDir(
  host: Host,
  spec: IsolatedDirSpec,
  run: RunScriptOptions,
): Promise<Result<IsolatedDir, string>> {
  const made = await host.runScript(
    [
      "set -eu",
      `d=$(mktemp -d "\${TMPDIR:-/tmp}/symphony-${spec.name}.XXXXXX")`,
      'chmod 700 "$d"',
      ...spec.fill,
      `printf '${MARKER}%s\\n' "$d"`,
    ].join("\n"),
    run,
  );
  const path = new RegExp(`${MARKER}(/[^\\n]+)`).exec(made.output)?.[1];
  if (made.exitCode !== 0 || path === undefined) {
    return err(`creating an isolated ${spec.variable} failed: ${made.output.slice(0, 500)}`);
  }
  return ok({ path, remove: () => host.remove(path) });
}
