import { type Document, isCollection, isNode, LineCounter, parseDocument } from "yaml";
import { messageOf } from "../domain/errors.js";
import { err, ok, type Result } from "../domain/result.js";
import type { WorkflowError } from "./types.js";

/** Front matter decoded to a map, plus a way to find where a dotted key sits in the file. */
export interface ParsedFrontMatter {
  readonly value: Record<string, unknown>;
  /** 1-based file position of the value at `key` (or its nearest present ancestor, `depth` keys deep). */
  locate(key: string): { line: number; column: number; depth: number } | undefined;
}

/** Aliases allowed per document: enough for real configs, far below an alias bomb. */
const MAX_ALIAS_COUNT = 100;
/** Nesting depth allowed in front matter; real configs need under ten. */
const MAX_DEPTH = 64;

function tooDeep(value: unknown, depth: number): boolean {
  if (depth > MAX_DEPTH) return true;
  if (typeof value !== "object" || value === null) return false;
  for (const child of Object.values(value)) if (tooDeep(child, depth + 1)) return true;
  return false;
}

function makeLocator(doc: Document, counter: LineCounter, firstLine: number) {
  return (key: string): { line: number; column: number; depth: number } | undefined => {
    const parts = key === "" ? [] : key.split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    for (let n = parts.length; n >= 0; n -= 1) {
      const node = n === 0 ? doc.contents : doc.getIn(parts.slice(0, n), true);
      if (isNode(node) && node.range !== undefined && node.range !== null) {
        const pos = counter.linePos(node.range[0]);
        return { line: pos.line + firstLine - 1, column: pos.col, depth: n };
      }
    }
    return undefined;
  };
}

/** Parses front matter YAML; errors carry file line/column (`firstLine` is the YAML's first file line). */
export function parseFrontMatterYaml(
  yamlText: string,
  path: string,
  firstLine: number,
): Result<ParsedFrontMatter, WorkflowError> {
  const counter = new LineCounter();
  let doc: Document;
  let value: unknown;
  try {
    doc = parseDocument(yamlText, { lineCounter: counter, prettyErrors: true, uniqueKeys: true });
    const first = doc.errors[0];
    if (first !== undefined) {
      const pos = first.linePos?.[0];
      return err({
        code: "workflow_parse_error",
        message: `invalid YAML front matter: ${(first.message.split("\n")[0] ?? first.code).replace(/ at line \d+, column \d+:?$/, "")}`,
        path,
        ...(pos !== undefined ? { line: pos.line + firstLine - 1, column: pos.col } : {}),
      });
    }
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (cause) {
    // Alias bombs and pathological nesting surface as thrown errors from the YAML library.
    return err({
      code: "workflow_parse_error",
      message: `invalid YAML front matter: ${messageOf(cause)}`,
      path,
    });
  }
  if (value === null || value === undefined) {
    return ok({ value: {}, locate: () => undefined });
  }
  if (typeof value !== "object" || Array.isArray(value) || !isCollection(doc.contents)) {
    return err({
      code: "workflow_front_matter_not_a_map",
      message: `front matter must be a YAML map, got ${Array.isArray(value) ? "a list" : typeof value}`,
      path,
      line: firstLine,
      column: 1,
    });
  }
  if (tooDeep(value, 0)) {
    return err({
      code: "workflow_parse_error",
      message: `front matter nests deeper than ${MAX_DEPTH} levels`,
      path,
    });
  }
  return ok({ value: value as Record<string, unknown>, locate: makeLocator(doc, counter, firstLine) });
}
