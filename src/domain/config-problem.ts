/** How serious a settings problem is: an `error` stops loading/startup, a `warning` is printed only. */
export type ProblemSeverity = "error" | "warning";

/**
 * One problem with a settings value, as data: the dotted WORKFLOW.md `key`, the `rule` it broke (a short
 * stable word such as `required` or `one_of`), the offending value as shown to the operator (`got`, secrets
 * hidden), and the full human `message` (without the key). Never re-parsed from strings.
 */
export interface ConfigProblem {
  readonly key: string;
  readonly rule: string;
  readonly got?: string;
  readonly line?: number;
  readonly message: string;
  readonly severity: ProblemSeverity;
}

/** An error-severity problem. */
export function problem(key: string, rule: string, message: string, got?: string): ConfigProblem {
  return got === undefined
    ? { key, rule, message, severity: "error" }
    : { key, rule, message, got, severity: "error" };
}

/** A warning-severity problem: reported by `symphony validate` and at startup, but not fatal. */
export function warning(key: string, rule: string, message: string, got?: string): ConfigProblem {
  return { ...problem(key, rule, message, got), severity: "warning" };
}

/** True when any problem is an error (warnings alone never fail). */
export function hasErrors(problems: readonly ConfigProblem[]): boolean {
  return problems.some((p) => p.severity === "error");
}
