/** Why `run_command` refused a command before running it. */
export type CommandRefusal =
  | { readonly kind: "command_denied"; readonly command: string; readonly pattern: string }
  | { readonly kind: "command_not_allowed"; readonly command: string; readonly segment: string };

/** The operator's allowed/denied command patterns (`*` matches anything, spaces included). */
export interface CommandPolicy {
  readonly allowed: readonly string[];
  readonly denied: readonly string[];
}

/**
 * Checks a shell command against the policy. The command is split on `;`, `&&`, `||`, `|`,
 * newlines, `$(`/backticks, so `ls; rm -rf x` is judged as both `ls` and `rm -rf x`.
 * Denied patterns win; with a non-empty allow-list every segment must match one of its patterns.
 * This is a guard-rail against mistakes, not a sandbox: a determined shell script can hide intent.
 */
export function checkCommand(command: string, policy: CommandPolicy): CommandRefusal | null {
  const segments = splitSegments(command);
  const candidates = [command.trim(), ...segments];
  for (const pattern of policy.denied) {
    const matcher = commandPatternToRegExp(pattern);
    if (candidates.some((c) => matcher.test(c))) return { kind: "command_denied", command, pattern };
  }
  if (policy.allowed.length === 0) return null;
  const allowed = policy.allowed.map(commandPatternToRegExp);
  for (const segment of segments) {
    if (!allowed.some((m) => m.test(segment))) return { kind: "command_not_allowed", command, segment };
  }
  return null;
}

/** Renders a refusal as the one line the model reads. */
export function describeCommandRefusal(refusal: CommandRefusal): string {
  switch (refusal.kind) {
    case "command_denied":
      return `command refused: it matches the denied pattern ${JSON.stringify(refusal.pattern)}`;
    case "command_not_allowed":
      return `command refused: ${JSON.stringify(refusal.segment)} matches none of the allowed command patterns`;
    default: {
      const _exhaustive: never = refusal;
      return String(_exhaustive);
    }
  }
}

/** Compiles a command pattern: `*` matches any run of characters, everything else is literal. */
export function commandPatternToRegExp(pattern: string): RegExp {
  const body = pattern
    .trim()
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${body}$`, "s");
}

function splitSegments(command: string): string[] {
  return command
    .split(/\|\||&&|[;|\n`]|\$\(|\)|(?<![<>])&(?!>)/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}
