import { createRequire } from "node:module";
import { err, ok, type Result } from "../../../domain/result.js";

/** One word of a command: its value when it is fully literal, else its source text. */
export interface ShellWord {
  readonly text: string;
  /** True when the word holds an expansion or substitution (`$X`, `$(…)`, `<(…)`, globs are literal). */
  readonly dynamic: boolean;
}

/** Something a command line does: run a simple command, or write through an output redirection. */
export type ShellAction =
  | { readonly type: "command"; readonly words: readonly ShellWord[] }
  | { readonly type: "write"; readonly op: string; readonly target: ShellWord };

/** Why a command line could not be judged. */
export interface ShellParseError {
  readonly kind: "unparsable";
  readonly reason: string;
}

// the parts of the mvdan/sh syntax tree read here (the package ships no types)
interface Node {
  Pos(): { Offset(): number };
  End(): { Offset(): number };
  [field: string]: unknown;
}
interface Syntax {
  NewParser(): { Parse(src: string, name: string): Node };
  NodeType(node: Node): string;
  Walk(node: Node, visit: (node: Node | null) => boolean): void;
}

let syntaxModule: Syntax | null = null;

function loadSyntax(): Syntax {
  if (syntaxModule !== null) return syntaxModule;
  // the GopherJS bundle sets process-wide state when loaded; put it back
  const limit = Error.stackTraceLimit;
  const globals = globalThis as { require?: unknown };
  const hadRequire = "require" in globals;
  const previous = globals.require;
  const loaded = createRequire(import.meta.url)("mvdan-sh") as { syntax: Syntax };
  Error.stackTraceLimit = limit;
  if (hadRequire) globals.require = previous;
  else delete globals.require;
  syntaxModule = loaded.syntax;
  return syntaxModule;
}

// mvdan/sh v3 redirection operator tokens
const WRITE_OPS: Readonly<Record<number, string>> = {
  54: ">",
  55: ">>",
  57: "<>",
  59: ">&",
  60: ">|",
  64: "&>",
  65: "&>>",
};
const HARMLESS_TARGETS = new Set(["/dev/null", "/dev/stdout", "/dev/stderr"]);

/**
 * Parses a Bash command line with a real parser (mvdan/sh) and lists every simple command it would
 * run, wherever it sits (pipelines, lists, subshells, `{ }` groups, `if`/`while`/`for`/`case`
 * bodies, `time`, functions, `$(…)`, backticks, `<(…)`), plus every output redirection.
 * Output to `/dev/null` and descriptor duplication (`2>&1`) are not listed.
 */
export function shellActions(source: string): Result<ShellAction[], ShellParseError> {
  const syntax = loadSyntax();
  let file: Node;
  try {
    file = syntax.NewParser().Parse(source, "");
  } catch (cause) {
    const error = cause as { Error?: () => string };
    return err({
      kind: "unparsable",
      reason: typeof error.Error === "function" ? error.Error() : "syntax error",
    });
  }
  const bytes = Buffer.from(source, "utf8");
  const sourceOf = (node: Node): string =>
    bytes.subarray(node.Pos().Offset(), node.End().Offset()).toString("utf8");
  const actions: ShellAction[] = [];
  syntax.Walk(file, (node) => {
    if (node === null) return true;
    switch (syntax.NodeType(node)) {
      case "CallExpr": {
        const args = node.Args as Node[];
        if (args.length > 0)
          actions.push({ type: "command", words: args.map((w) => word(syntax, w, sourceOf)) });
        break;
      }
      case "DeclClause":
      case "LetClause": {
        // export/declare/local/readonly/let: judged as a command of their own, arguments as written
        const text = sourceOf(node).trim();
        const name = text.split(/\s/, 1)[0] ?? text;
        actions.push({
          type: "command",
          words: [
            { text: name, dynamic: false },
            { text: text.slice(name.length).trim(), dynamic: true },
          ],
        });
        break;
      }
      case "Redirect": {
        const op = WRITE_OPS[node.Op as number];
        const target = node.Word === null ? null : word(syntax, node.Word as Node, sourceOf);
        if (op === undefined || target === null) break;
        if (op === ">&" && !target.dynamic && /^(\d+|-)$/.test(target.text)) break;
        if (!target.dynamic && HARMLESS_TARGETS.has(target.text)) break;
        actions.push({ type: "write", op, target });
        break;
      }
      default:
        break;
    }
    return true;
  });
  return ok(actions);
}

function word(syntax: Syntax, node: Node, sourceOf: (node: Node) => string): ShellWord {
  let text = "";
  for (const part of node.Parts as Node[]) {
    const value = literalPart(syntax, part);
    if (value === null) return { text: sourceOf(node), dynamic: true };
    text += value;
  }
  return { text, dynamic: false };
}

function literalPart(syntax: Syntax, part: Node): string | null {
  switch (syntax.NodeType(part)) {
    case "Lit":
      return unescapeUnquoted(part.Value as string);
    case "SglQuoted":
      // $'…' has escapes of its own: not worth decoding, it is judged as written
      return part.Dollar === true ? null : (part.Value as string);
    case "DblQuoted": {
      let text = "";
      for (const inner of part.Parts as Node[]) {
        if (syntax.NodeType(inner) !== "Lit") return null;
        text += (inner.Value as string).replace(/\\([$`"\\\n])/g, (_, c: string) => (c === "\n" ? "" : c));
      }
      return text;
    }
    default:
      return null;
  }
}

function unescapeUnquoted(value: string): string {
  return value.replace(/\\(.|\n)/g, (_, c: string) => (c === "\n" ? "" : c));
}
