import { RE2JS } from "re2js";
import { err, ok, type Result } from "../../../domain/result.js";

/** Longest pattern the search tools compile (characters). */
export const MAX_PATTERN_CHARS = 1_000;

/** A compiled pattern that runs in time linear in the text (RE2 semantics: no backtracking). */
export interface LinearMatcher {
  /** True when the pattern matches somewhere in `text` (or all of it, for a full-match matcher). */
  test(text: string): boolean;
}

/** Why a pattern was not compiled. */
export interface PatternError {
  readonly kind: "invalid_pattern";
  readonly pattern: string;
  readonly message: string;
}

/**
 * Compiles a regular expression with RE2 (the `re2js` port), so a hostile pattern such as
 * `^(a+)+$` cannot freeze the event loop. Backreferences and lookaround are refused.
 * `full` anchors the match to the whole text.
 */
export function compileLinear(
  pattern: string,
  options: { readonly ignoreCase?: boolean; readonly full?: boolean } = {},
): Result<LinearMatcher, PatternError> {
  if (pattern.length > MAX_PATTERN_CHARS) {
    return err({ kind: "invalid_pattern", pattern, message: `longer than ${MAX_PATTERN_CHARS} characters` });
  }
  try {
    const compiled = RE2JS.compile(pattern, options.ignoreCase === true ? RE2JS.CASE_INSENSITIVE : 0);
    const test =
      options.full === true
        ? (text: string) => compiled.matches(text)
        : (text: string) => compiled.matcher(text).find();
    return ok({ test });
  } catch (cause) {
    return err({
      kind: "invalid_pattern",
      pattern,
      message: cause instanceof Error ? cause.message : String(cause),
    });
  }
}
