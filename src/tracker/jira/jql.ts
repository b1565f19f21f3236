/** Quotes a value as a JQL string literal (backslash and double quote escaped). */
export function jqlString(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\r?\n/g, " ")}"`;
}

/** The candidate query: one project, the given status names, oldest first (stable across pages). */
export function statesJql(projectKey: string, states: readonly string[]): string {
  return `project = ${jqlString(projectKey)} AND status IN (${states.map(jqlString).join(", ")}) ORDER BY created ASC, key ASC`;
}
