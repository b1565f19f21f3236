import { type Document, isCollection, isMap, isNode, isScalar, LineCounter, parseDocument } from "yaml";
import { messageOf } from "../domain/errors.js";
import { err, ok, type Result } from "../domain/result.js";
import type { WorkflowError } from "../domain/workflow-error.js";

/** Front matter decoded to a map, plus a way to find where a dotted key sits in the file. */
export interface ParsedFrontMatter {
  readonly value: Record<string, unknown>;
  /** 1-based file position of the value at `key` (or its nearest present ancestor, `depth` keys deep). */
  locate(key: string): { line: number; column: number; depth: number } | undefined;
  /** 1-based file position of the key itself (its name, not its value), when present. */
  locateKey(key: string): { line: number; column: number } | undefined;
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

// More than MAX_DEPTH compact block indicators in a row (`- - - … x`) on one line.
const INDICATOR_RUN = new RegExp(`(?:^|[\\s:])(?:[-?][ \\t]+){${MAX_DEPTH + 1}}`);

/**
 * Finds the first place where collections nest deeper than {@link MAX_DEPTH}, before the YAML parser sees
 * the text: the parser's memory and stack use grow badly with such nesting.
 */
function nestingTooDeep(text: string): { line: number; column: number } | null {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i += 1) {
    // Block nesting: compact indicators (`- - - x`, `? ? x`) and absurd indentation.
    const line = lines[i] ?? "";
    const indent = line.length - line.trimStart().length;
    if (indent > MAX_DEPTH * 8 || INDICATOR_RUN.test(line)) return { line: i + 1, column: 1 };
  }
  let depth = 0;
  let line = 1;
  let column = 0;
  let quote: string | null = null;
  let comment = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    column += 1;
    if (ch === "\n") {
      line += 1;
      column = 0;
      comment = false;
      // Only over-counts multi-line quoted scalars that hold brackets: at worst a false "too deep".
      quote = null;
      continue;
    }
    if (comment) continue;
    if (quote !== null) {
      if (ch === "\\" && quote === '"') i += 1;
      else if (ch === quote) quote = null;
      continue;
    }
    if ((ch === '"' || ch === "'") && (i === 0 || /[\s[{,:]/.test(text[i - 1] ?? ""))) quote = ch;
    else if (ch === "#" && (i === 0 || /\s/.test(text[i - 1] ?? ""))) comment = true;
    else if (ch === "[" || ch === "{") {
      depth += 1;
      if (depth > MAX_DEPTH) return { line, column };
    } else if ((ch === "]" || ch === "}") && depth > 0) depth -= 1;
  }
  return null;
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

function makeKeyLocator(doc: Document, counter: LineCounter, firstLine: number) {
  return (key: string): { line: number; column: number } | undefined => {
    const parts = key.split(".");
    const name = parts.pop();
    const parent = parts.length === 0 ? doc.contents : doc.getIn(parts, true);
    if (!isMap(parent)) return undefined;
    for (const pair of parent.items) {
      const keyNode = pair.key;
      if (isScalar(keyNode) && String(keyNode.value) === name && keyNode.range) {
        const pos = counter.linePos(keyNode.range[0]);
        return { line: pos.line + firstLine - 1, column: pos.col };
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
  const deep = nestingTooDeep(yamlText);
  if (deep !== null) {
    return err({
      code: "workflow_parse_error",
      message: `front matter nests deeper than ${MAX_DEPTH} levels`,
      path,
      line: deep.line + firstLine - 1,
      column: deep.column,
    });
  }
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
    return ok({ value: {}, locate: () => undefined, locateKey: () => undefined });
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
  return ok({
    value: value as Record<string, unknown>,
    locate: makeLocator(doc, counter, firstLine),
    locateKey: makeKeyLocator(doc, counter, firstLine),
  });
}
