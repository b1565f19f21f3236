import { basename } from "node:path";
import { unwrapCommand } from "./command-wrappers.js";
import { type ShellAction, type ShellWord, shellActions } from "./shell-syntax.js";

/** Why `run_command` refused a command before running it. */
export type CommandRefusal =
  | { readonly kind: "command_denied"; readonly command: string; readonly pattern: string }
  | { readonly kind: "command_not_allowed"; readonly command: string; readonly segment: string }
  | { readonly kind: "command_unparsable"; readonly command: string; readonly reason: string }
  | {
      readonly kind: "command_unsafe";
      readonly command: string;
      readonly segment: string;
      readonly reason: string;
    };

/** The operator's allowed/denied command patterns (`*` matches anything, spaces included). */
export interface CommandPolicy {
  readonly allowed: readonly string[];
  readonly denied: readonly string[];
}

/**
 * Checks a shell command against the policy. The command is parsed as Bash (mvdan/sh): every simple
 * command it would run — in pipelines, lists, subshells, groups, `if`/`for`/`while` bodies, `time`,
 * substitutions — is a segment, judged by the basename of its program with wrappers (`env`, `sudo`,
 * `nice`, `xargs`, `bash -c`, `eval`, `find -exec`, …) unwrapped into segments of their own; output
 * redirections outside the workspace are segments too (`> ~/.bashrc`). Denied patterns win; with a
 * non-empty allow-list every segment must match one. What cannot be parsed or judged is refused.
 * This is a guard-rail against mistakes, not a sandbox: containers are the boundary.
 */
export function checkCommand(command: string, policy: CommandPolicy): CommandRefusal | null {
  if (policy.allowed.length === 0 && policy.denied.length === 0) return null;
  const segments = commandSegments(command, 0);
  if ("reason" in segments) {
    return segments.unsafe === undefined
      ? { kind: "command_unparsable", command, reason: segments.reason }
      : { kind: "command_unsafe", command, segment: segments.unsafe, reason: segments.reason };
  }
  const candidates = [command.trim(), ...segments.list];
  for (const pattern of policy.denied) {
    const matcher = commandPatternToRegExp(pattern);
    if (candidates.some((c) => matcher.test(c))) return { kind: "command_denied", command, pattern };
  }
  if (policy.allowed.length === 0) return null;
  const allowed = policy.allowed.map(commandPatternToRegExp);
  for (const segment of segments.list) {
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
    case "command_unparsable":
      return `command refused: it cannot be checked (${refusal.reason}); write it as plain commands`;
    case "command_unsafe":
      return `command refused: ${JSON.stringify(refusal.segment)}: ${refusal.reason}`;
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

type Segments = { readonly list: string[] } | { readonly reason: string; readonly unsafe?: string };

const MAX_DEPTH = 4;
// a command name bash would expand (glob, brace) cannot be judged by its text
const EXPANDING_NAME = /[*?[\]{}~$`()<>]/;

/** The segments of one command line; `bash -c '…'` and `eval` recurse (bounded). */
function commandSegments(command: string, depth: number): Segments {
  if (depth > MAX_DEPTH) return { reason: "shell commands nested too deeply" };
  const parsed = shellActions(command);
  if (!parsed.ok) return { reason: parsed.error.reason };
  const list: string[] = [];
  for (const action of parsed.value) {
    const result = actionSegments(action, depth);
    if ("reason" in result) return result;
    list.push(...result.list);
  }
  return { list };
}

function actionSegments(action: ShellAction, depth: number): Segments {
  if (action.type === "write") {
    const target = action.target;
    // plain relative paths stay in the workspace (the command's cwd); anything else is judged
    if (!target.dynamic && !target.text.startsWith("/") && !target.text.split("/").includes("..")) {
      if (!EXPANDING_NAME.test(target.text)) return { list: [] };
    }
    return { list: [`${action.op} ${target.text}`] };
  }
  const first = action.words[0] as ShellWord;
  if (first.dynamic || (EXPANDING_NAME.test(first.text) && first.text !== "[" && first.text !== "[[")) {
    return { reason: `the command name ${JSON.stringify(first.text)} is not a plain word` };
  }
  const argv = [basename(first.text) || first.text, ...action.words.slice(1).map((w) => w.text)];
  const unwrapped = unwrapCommand(argv);
  if (unwrapped.type === "unsafe") return { reason: unwrapped.reason, unsafe: argv.join(" ") };
  if (unwrapped.type === "unknown") return { reason: unwrapped.reason };
  const list = [argv.join(" ")];
  for (const inner of unwrapped.commands) {
    const nested = actionSegments(
      { type: "command", words: inner.map((text) => ({ text, dynamic: false })) },
      depth,
    );
    if ("reason" in nested) return nested;
    list.push(...nested.list);
  }
  for (const script of unwrapped.scripts) {
    const nested = commandSegments(script, depth + 1);
    if ("reason" in nested) return nested;
    list.push(...nested.list);
  }
  return { list };
}
