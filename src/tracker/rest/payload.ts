/** True for a plain JSON object (not null, not an array). */
export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Label names from a list of strings or of `{name}` objects (both REST APIs use both forms). */
export function labelNames(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const names: string[] = [];
  for (const label of value) {
    if (typeof label === "string") names.push(label);
    else if (isMap(label) && typeof label.name === "string") names.push(label.name);
  }
  return names;
}
