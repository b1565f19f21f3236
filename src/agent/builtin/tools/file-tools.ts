import { readdir, stat } from "node:fs/promises";
import { messageOf } from "../../../domain/errors.js";
import { readConfined, writeConfined } from "./confined-fs.js";
import { failure, firstLine, success, type ToolOutcome } from "./outcome.js";
import { confinePath, describeRefusal } from "./workspace-path.js";

/** Files larger than this are refused by `read_file` and `edit_file`. */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;
/** At most this many characters of file content go back to the model per `read_file` call. */
export const MAX_READ_CHARS = 64 * 1024;
/** Lines returned when `read_file` is given no range. */
export const DEFAULT_READ_LINES = 2_000;
const MAX_DIR_ENTRIES = 1_000;

/** Input of `read_file`: 1-based inclusive line range, both optional. */
export interface ReadFileInput {
  readonly path: string;
  readonly start_line?: number | undefined;
  readonly end_line?: number | undefined;
}

/** Reads a text file inside the workspace, optionally a line range, capped in size. */
export async function readFileTool(root: string, input: ReadFileInput): Promise<ToolOutcome> {
  const label = `read_file ${input.path}`;
  const loaded = await loadText(root, input.path, label);
  if (!loaded.ok) return loaded.outcome;
  const lines = splitLines(loaded.text);
  const total = lines.length;
  const start = Math.max(1, Math.floor(input.start_line ?? 1));
  const requestedEnd = input.end_line ?? start + DEFAULT_READ_LINES - 1;
  const end = Math.min(total, Math.max(start, Math.floor(requestedEnd)));
  if (total === 0) return success(`${label} (empty)`, `(${loaded.display} is empty)`);
  if (start > total)
    return failure(label, `start_line ${start} is past the end of the file (${total} lines)`);
  let body = "";
  let last = start - 1;
  for (let n = start; n <= end; n++) {
    const line = lines[n - 1] ?? "";
    if (body.length + line.length + 1 > MAX_READ_CHARS && n > start) break;
    body += n === end ? line : `${line}\n`;
    last = n;
  }
  if (body.length > MAX_READ_CHARS) body = body.slice(0, MAX_READ_CHARS);
  const header = `${loaded.display} lines ${start}-${last} of ${total}`;
  const more = last < total ? `\n[${total - last} more lines; read on with start_line=${last + 1}]` : "";
  return success(`${label}:${start}-${last}`, `${header}\n${body}${more}`);
}

/** Input of `write_file`. */
export interface WriteFileInput {
  readonly path: string;
  readonly content: string;
}

/** Creates or replaces a file inside the workspace, creating parent directories. */
export async function writeFileTool(root: string, input: WriteFileInput): Promise<ToolOutcome> {
  const label = `write_file ${input.path}`;
  const target = await confinePath(root, input.path);
  if (!target.ok) return failure(label, describeRefusal(target.error));
  try {
    // temp file + rename inside a directory opened without following symlinks (no escape by a race)
    const wrote = await writeConfined(root, target.value.real, input.content);
    if (!wrote.ok) return failure(label, describeRefusal(wrote.error));
  } catch (cause) {
    return failure(label, messageOf(cause));
  }
  const bytes = Buffer.byteLength(input.content, "utf8");
  return success(`${label} (${bytes} bytes)`, `wrote ${bytes} bytes to ${target.value.display}`);
}

/** Input of `edit_file`: exact-match replacement. */
export interface EditFileInput {
  readonly path: string;
  readonly old_string: string;
  readonly new_string: string;
  readonly replace_all?: boolean | undefined;
}

/** Replaces an exact string in a file; a missing or ambiguous match is a clear error. */
export async function editFileTool(root: string, input: EditFileInput): Promise<ToolOutcome> {
  const label = `edit_file ${input.path}`;
  if (input.old_string === "")
    return failure(label, "old_string must not be empty; use write_file to create a file");
  if (input.old_string === input.new_string) return failure(label, "old_string and new_string are identical");
  const loaded = await loadText(root, input.path, label);
  if (!loaded.ok) return loaded.outcome;
  const positions = occurrences(loaded.text, input.old_string);
  if (positions.length === 0) {
    return failure(
      label,
      `old_string was not found in ${loaded.display}; read the file and copy the exact text, whitespace included`,
    );
  }
  if (positions.length > 1 && input.replace_all !== true) {
    const lines = positions.map((p) => lineAt(loaded.text, p));
    return failure(
      label,
      `old_string matches ${positions.length} places in ${loaded.display} (lines ${lines.join(", ")}); ` +
        "add surrounding context to make it unique, or set replace_all to true",
    );
  }
  const updated =
    input.replace_all === true
      ? loaded.text.split(input.old_string).join(input.new_string)
      : loaded.text.replace(input.old_string, () => input.new_string);
  try {
    const wrote = await writeConfined(root, loaded.real, updated);
    if (!wrote.ok) return failure(label, describeRefusal(wrote.error));
  } catch (cause) {
    return failure(label, messageOf(cause));
  }
  const count = input.replace_all === true ? positions.length : 1;
  return success(
    `${label} (${count} replacement${count === 1 ? "" : "s"})`,
    `replaced ${count} occurrence${count === 1 ? "" : "s"} in ${loaded.display}`,
  );
}

/** Input of `list_dir`. */
export interface ListDirInput {
  readonly path?: string | undefined;
}

/** Lists a directory inside the workspace; directories end with `/`, symlinks with `@`. */
export async function listDirTool(root: string, input: ListDirInput): Promise<ToolOutcome> {
  const requested = input.path ?? ".";
  const label = `list_dir ${requested}`;
  const target = await confinePath(root, requested);
  if (!target.ok) return failure(label, describeRefusal(target.error));
  try {
    const entries = await readdir(target.value.real, { withFileTypes: true });
    const names = entries
      .map((e) => (e.isDirectory() ? `${e.name}/` : e.isSymbolicLink() ? `${e.name}@` : e.name))
      .sort((a, b) => a.localeCompare(b));
    const shown = names.slice(0, MAX_DIR_ENTRIES);
    const more =
      names.length > shown.length ? `\n[${names.length - shown.length} more entries not shown]` : "";
    const body = shown.length === 0 ? "(empty directory)" : shown.join("\n");
    return success(`${label} (${names.length} entries)`, `${target.value.display}/\n${body}${more}`);
  } catch (cause) {
    return failure(label, messageOf(cause));
  }
}

type Loaded =
  | { readonly ok: true; readonly text: string; readonly real: string; readonly display: string }
  | { readonly ok: false; readonly outcome: ToolOutcome };

async function loadText(root: string, requested: string, label: string): Promise<Loaded> {
  const target = await confinePath(root, requested);
  if (!target.ok) return { ok: false, outcome: failure(label, describeRefusal(target.error)) };
  try {
    const info = await stat(target.value.real);
    if (info.isDirectory())
      return { ok: false, outcome: failure(label, `${requested} is a directory; use list_dir`) };
    const read = await readConfined(root, target.value.real, MAX_FILE_BYTES);
    if (!read.ok) {
      const error = read.error;
      const why =
        error.kind === "too_large"
          ? `${requested} is ${error.size} bytes, over the ${MAX_FILE_BYTES}-byte limit; use grep`
          : error.kind === "not_a_file"
            ? `${requested} is not a regular file`
            : describeRefusal(error);
      return { ok: false, outcome: failure(label, why) };
    }
    const buffer = read.value;
    if (buffer.subarray(0, 8_192).includes(0)) {
      return { ok: false, outcome: failure(label, `${requested} looks like a binary file`) };
    }
    return {
      ok: true,
      text: buffer.toString("utf8"),
      real: target.value.real,
      display: target.value.display,
    };
  } catch (cause) {
    return { ok: false, outcome: failure(label, firstLine(messageOf(cause), 300)) };
  }
}

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

function occurrences(text: string, needle: string): number[] {
  const out: number[] = [];
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) out.push(at);
  return out;
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
