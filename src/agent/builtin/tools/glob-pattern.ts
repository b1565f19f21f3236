import type { Result } from "../../../domain/result.js";
import { compileLinear, type LinearMatcher, type PatternError } from "./linear-pattern.js";

/**
 * Compiles a file glob to a linear-time matcher over `/`-separated relative paths:
 * `**` any number of directories, `*` and `?` within one segment, `{a,b}` alternatives, `[...]` classes.
 * Repeated `**` segments are collapsed first (`**\/**\/x` is `**\/x`): they mean the same and only cost time.
 */
export function compileGlob(glob: string): Result<LinearMatcher, PatternError> {
  return compileLinear(globToSource(collapseGlobstars(glob)), { full: true });
}

/** `a/**\/**\/b` → `a/**\/b`, `**\/**` → `**`. */
export function collapseGlobstars(glob: string): string {
  let out = glob;
  for (;;) {
    const next = out.replaceAll("**/**/", "**/").replace(/(^|\/)\*\*\/\*\*$/, "$1**");
    if (next === out) return out;
    out = next;
  }
}

function globToSource(glob: string): string {
  let out = "";
  let braceDepth = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === "*") {
      if (glob[i + 1] === "*") {
        const atSegmentStart = i === 0 || glob[i - 1] === "/";
        i++;
        if (glob[i + 1] === "/" && atSegmentStart) {
          i++;
          out += "(?:[^/]*/)*";
        } else {
          out += ".*";
        }
      } else {
        out += "[^/]*";
      }
    } else if (c === "?") {
      out += "[^/]";
    } else if (c === "{") {
      braceDepth++;
      out += "(?:";
    } else if (c === "}" && braceDepth > 0) {
      braceDepth--;
      out += ")";
    } else if (c === "," && braceDepth > 0) {
      out += "|";
    } else if (c === "[") {
      const close = glob.indexOf("]", i + 1);
      if (close === -1) {
        out += "\\[";
      } else {
        const body = glob
          .slice(i + 1, close)
          .replace(/^!/, "^")
          .replace(/\\/g, "\\\\");
        out += `[${body}]`;
        i = close;
      }
    } else {
      out += c.replace(/[.+^$()|\\\]{}*?[]/g, "\\$&");
    }
  }
  return out;
}
