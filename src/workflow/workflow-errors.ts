import type { WorkflowError } from "../domain/workflow-error.js";

/** One line per problem: `file:line:col key: message (code)`, with the parts that are known. */
export function formatWorkflowError(error: WorkflowError): string {
  let where = error.path;
  if (error.line !== undefined) where += `:${error.line}`;
  if (error.line !== undefined && error.column !== undefined) where += `:${error.column}`;
  const key = error.key !== undefined && error.key !== "" ? ` ${error.key}:` : ":";
  const level = error.severity === "warning" ? " warning:" : "";
  return `${where}${key}${level} ${error.message} (${error.code})`;
}

/** Folds several problems into one (the first, noting how many more) for single-error APIs. */
export function summariseErrors(errors: readonly WorkflowError[]): WorkflowError {
  const [first, ...rest] = errors;
  if (first === undefined) throw new Error("summariseErrors needs at least one error");
  if (rest.length === 0) return first;
  return {
    ...first,
    message: `${first.message} (and ${rest.length} more problem${rest.length > 1 ? "s" : ""})`,
  };
}

/** Orders problems by file position (those without one last), for reading top to bottom. */
export function sortByPosition(errors: readonly WorkflowError[]): WorkflowError[] {
  const rank = (e: WorkflowError) => (e.line ?? Number.MAX_SAFE_INTEGER) * 1e6 + (e.column ?? 0);
  return [...errors].sort((a, b) => rank(a) - rank(b));
}
