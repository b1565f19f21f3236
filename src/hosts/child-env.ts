/** Parent variables a child may inherit; everything else is dropped (tracker secrets never pass). */
const ALLOWED_NAMES = new Set([
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "LANG",
  "TERM",
  "SHELL",
  "TMPDIR",
  "TZ",
  "COLORTERM",
]);
const ALLOWED_PREFIXES = ["LC_"];

/** Options for {@link buildChildEnv}. */
export interface ChildEnvOptions {
  /** The environment to draw allow-listed names from (usually `process.env`). */
  readonly parent: NodeJS.ProcessEnv;
  /** Variables to set on top (e.g. `SYMPHONY_ISSUE_ID`, passthrough names the operator allowed). */
  readonly extra?: Readonly<Record<string, string>>;
  /** Names that must never reach the child (tracker secret env names), even if listed in `extra`. */
  readonly removeNames?: readonly string[];
}

/** Builds a child environment from an allow-list plus `extra`, minus `removeNames`. */
export function buildChildEnv(options: ChildEnvOptions): Record<string, string> {
  const removed = new Set(options.removeNames ?? []);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.parent)) {
    if (value === undefined || removed.has(name)) continue;
    if (ALLOWED_NAMES.has(name) || ALLOWED_PREFIXES.some((p) => name.startsWith(p))) env[name] = value;
  }
  for (const [name, value] of Object.entries(options.extra ?? {})) {
    if (!removed.has(name)) env[name] = value;
  }
  return env;
}
