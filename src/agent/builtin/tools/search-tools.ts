import type { Dirent } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { messageOf } from "../../../domain/errors.js";
import { compileGlob } from "./glob-pattern.js";
import { compileLinear } from "./linear-pattern.js";
import { failure, success, type ToolOutcome } from "./outcome.js";
import { confinePath, describeRefusal } from "./workspace-path.js";

const MAX_GLOB_RESULTS = 500;
const MAX_GREP_MATCHES = 200;
const MAX_GREP_FILE_BYTES = 2 * 1024 * 1024;
const MAX_MATCH_LINE_CHARS = 300;
const MAX_FILES_VISITED = 50_000;
/** Directories the walk never enters unless the search starts inside them. */
const SKIPPED_DIRS = new Set([".git", "node_modules"]);

/** Input of `glob`. */
export interface GlobInput {
  readonly pattern: string;
  readonly path?: string | undefined;
}

/** Files under `path` (default: the workspace) whose relative path matches the glob, sorted. */
export async function globTool(root: string, input: GlobInput): Promise<ToolOutcome> {
  const base = input.path ?? ".";
  const label = `glob ${input.pattern}${input.path === undefined ? "" : ` in ${input.path}`}`;
  const target = await confinePath(root, base);
  if (!target.ok) return failure(label, describeRefusal(target.error));
  const compiled = compileGlob(input.pattern);
  if (!compiled.ok) return failure(label, `invalid glob: ${compiled.error.message}`);
  const matcher = compiled.value;
  const found: string[] = [];
  let truncated = false;
  try {
    for await (const file of walkFiles(target.value.real)) {
      if (!matcher.test(relative(target.value.real, file))) continue;
      if (found.length === MAX_GLOB_RESULTS) {
        truncated = true;
        break;
      }
      found.push(relative(root, file) || ".");
    }
  } catch (cause) {
    return failure(label, messageOf(cause));
  }
  found.sort();
  const more = truncated ? `\n[more than ${MAX_GLOB_RESULTS} matches; narrow the pattern]` : "";
  const body = found.length === 0 ? "(no matches)" : found.join("\n");
  return success(`${label} (${found.length}${truncated ? "+" : ""} files)`, `${body}${more}`);
}

/** Input of `grep`. */
export interface GrepInput {
  readonly pattern: string;
  readonly path?: string | undefined;
  /** Only files whose relative path matches this glob. */
  readonly include?: string | undefined;
  readonly ignore_case?: boolean | undefined;
}

/** Lines matching a regular expression, as `file:line: text`, in text files under `path`. */
export async function grepTool(root: string, input: GrepInput): Promise<ToolOutcome> {
  const base = input.path ?? ".";
  const label = `grep ${JSON.stringify(input.pattern)}${input.path === undefined ? "" : ` in ${input.path}`}`;
  // RE2 semantics: linear time in the text, so a hostile pattern cannot freeze the service
  const compiled = compileLinear(input.pattern, { ignoreCase: input.ignore_case === true });
  if (!compiled.ok) return failure(label, `invalid regular expression: ${compiled.error.message}`);
  const regex = compiled.value;
  const target = await confinePath(root, base);
  if (!target.ok) return failure(label, describeRefusal(target.error));
  const includeGlob = input.include === undefined ? null : compileGlob(input.include);
  if (includeGlob !== null && !includeGlob.ok)
    return failure(label, `invalid glob: ${includeGlob.error.message}`);
  const include = includeGlob === null ? null : includeGlob.value;
  const matches: string[] = [];
  let truncated = false;
  try {
    const info = await stat(target.value.real);
    const files = info.isDirectory() ? walkFiles(target.value.real) : single(target.value.real);
    outer: for await (const file of files) {
      if (include !== null && !include.test(relative(target.value.real, file))) continue;
      const lines = await textLines(file);
      if (lines === null) continue;
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i] as string;
        if (!regex.test(line)) continue;
        if (matches.length === MAX_GREP_MATCHES) {
          truncated = true;
          break outer;
        }
        const text = line.length > MAX_MATCH_LINE_CHARS ? `${line.slice(0, MAX_MATCH_LINE_CHARS)}…` : line;
        matches.push(`${relative(root, file)}:${i + 1}: ${text}`);
      }
    }
  } catch (cause) {
    return failure(label, messageOf(cause));
  }
  const more = truncated ? `\n[more than ${MAX_GREP_MATCHES} matches; narrow the search]` : "";
  const body = matches.length === 0 ? "(no matches)" : matches.join("\n");
  return success(`${label} (${matches.length}${truncated ? "+" : ""} matches)`, `${body}${more}`);
}

async function* single(file: string): AsyncGenerator<string> {
  yield file;
}

/** Regular files under `dir`, depth first in name order; symlinks are not followed (no escapes, no cycles). */
async function* walkFiles(dir: string): AsyncGenerator<string> {
  let visited = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop() as string;
    let entries: Dirent[];
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch {
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
    for (const entry of entries) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) stack.push(full);
      } else if (entry.isFile()) {
        if (++visited > MAX_FILES_VISITED) return;
        yield full;
      }
    }
  }
}

async function textLines(file: string): Promise<string[] | null> {
  try {
    const info = await stat(file);
    if (info.size > MAX_GREP_FILE_BYTES) return null;
    const buffer = await readFile(file);
    if (buffer.subarray(0, 8_192).includes(0)) return null;
    return buffer.toString("utf8").split("\n");
  } catch {
    return null;
  }
}
