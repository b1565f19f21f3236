import type { ConfigKinds } from "./kind-settings.js";
import { workflowJsonSchema } from "./schema.js";

/**
 * Why a front-matter key is not one Symphony reads:
 * - `unknown_key`: inside a known section (almost always a typo; `symphony validate` fails on it);
 * - `misspelled_section`: an unknown top-level section within two edits of a known one (`hook:`);
 * - `extension_section`: any other unknown top-level section (allowed by the spec, only listed);
 * - `ignored_key`: a key of the Elixir reference this port knowingly does not read.
 */
export type UnknownKeyKind = "unknown_key" | "misspelled_section" | "extension_section" | "ignored_key";

/** One key of the front matter that no schema knows, with the nearest known key when there is a close one. */
export interface UnknownKey {
  readonly kind: UnknownKeyKind;
  /** Dotted path as written (`agent.max_concurent_agents`). */
  readonly key: string;
  /** The closest known key at the same level (`max_concurrent_agents`), or null. */
  readonly suggestion: string | null;
  /** For `ignored_key`: what to use instead. */
  readonly note?: string;
}

/** Keys of the Elixir reference's front matter this port reads no value from, with what replaces them. */
const IGNORED_ELIXIR_KEYS: ReadonlyMap<string, string> = new Map([
  ["observability.dashboard_enabled", "the terminal dashboard is drawn on a TTY; turn it off with --no-tui"],
  ["observability.refresh_ms", "the terminal dashboard redraws on every state change"],
  ["observability.render_interval_ms", "the terminal dashboard redraws on every state change"],
]);

interface ObjectSchema {
  readonly properties?: Record<string, ObjectSchema>;
}

/** Known keys per dotted section path (`""` = top level), from the JSON Schema of the front matter. */
function knownKeys(kinds: ConfigKinds): ReadonlyMap<string, readonly string[]> {
  const known = new Map<string, readonly string[]>();
  const walk = (schema: ObjectSchema, path: string): void => {
    if (schema.properties === undefined) return;
    known.set(path, Object.keys(schema.properties));
    for (const [key, child] of Object.entries(schema.properties)) {
      walk(child, path === "" ? key : `${path}.${key}`);
    }
  };
  walk(workflowJsonSchema(kinds) as ObjectSchema, "");
  return known;
}

// the known keys depend only on the kinds (one registry object in practice), so they are built once per kinds
const knownByKinds = new WeakMap<ConfigKinds, ReadonlyMap<string, readonly string[]>>();

/** Optimal-string-alignment distance (Levenshtein plus adjacent swaps), for "did you mean". */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? 0;
  for (let i = 1; i < rows; i += 1) {
    for (let j = 1; j < cols; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** The known key closest to `key` when it is plausibly a typo of it (a third of its length, at most 3 edits). */
export function nearestKey(key: string, candidates: readonly string[]): string | null {
  const limit = Math.min(3, Math.max(1, Math.floor(key.length / 3)));
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(key.toLowerCase(), candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : null;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Every key of the raw front matter that the front-matter schema does not know, in file order. Maps whose
 * keys are data (`tracker.provider`, `agent.max_concurrent_agents_by_state`, codex policies) are not walked.
 */
export function findUnknownKeys(raw: Readonly<Record<string, unknown>>, kinds: ConfigKinds): UnknownKey[] {
  let known = knownByKinds.get(kinds);
  if (known === undefined) {
    known = knownKeys(kinds);
    knownByKinds.set(kinds, known);
  }
  const found: UnknownKey[] = [];
  const topLevel = known.get("") ?? [];
  for (const [section, value] of Object.entries(raw)) {
    if (!topLevel.includes(section)) {
      const ignored = isMap(value)
        ? Object.keys(value).filter((k) => IGNORED_ELIXIR_KEYS.has(`${section}.${k}`))
        : [];
      for (const key of ignored) {
        const dotted = `${section}.${key}`;
        found.push({
          kind: "ignored_key",
          key: dotted,
          suggestion: null,
          note: IGNORED_ELIXIR_KEYS.get(dotted) ?? "",
        });
      }
      if (ignored.length > 0) continue;
      const suggestion = section.length > 3 ? nearestKey(section, topLevel) : null;
      const near = suggestion !== null && editDistance(section.toLowerCase(), suggestion) <= 2;
      found.push({
        kind: near ? "misspelled_section" : "extension_section",
        key: section,
        suggestion: near ? suggestion : null,
      });
      continue;
    }
    walkSection(value, section, known, found);
  }
  return found;
}

function walkSection(
  value: unknown,
  path: string,
  known: ReadonlyMap<string, readonly string[]>,
  found: UnknownKey[],
): void {
  const keys = known.get(path);
  if (keys === undefined || !isMap(value)) return;
  for (const [key, child] of Object.entries(value)) {
    const dotted = `${path}.${key}`;
    if (keys.includes(key)) {
      walkSection(child, dotted, known, found);
      continue;
    }
    found.push({ kind: "unknown_key", key: dotted, suggestion: nearestKey(key, keys) });
  }
}

/** Whether `symphony validate` counts this as a problem (exit 1) rather than a note. */
export function isProblem(unknown: UnknownKey): boolean {
  return unknown.kind === "unknown_key" || unknown.kind === "misspelled_section";
}

/** The human sentence for one unknown key (no position; callers add `file:line:col key:`). */
export function describeUnknownKey(unknown: UnknownKey): string {
  switch (unknown.kind) {
    case "unknown_key":
      return `unknown key${unknown.suggestion === null ? "" : `; did you mean ${unknown.suggestion}?`}`;
    case "misspelled_section":
      return `unknown section; did you mean ${unknown.suggestion}?`;
    case "extension_section":
      return "unknown top-level section, ignored (allowed as an extension)";
    case "ignored_key":
      return `ignored (a setting of the Elixir reference; ${unknown.note})`;
    default: {
      const _exhaustive: never = unknown.kind;
      return _exhaustive;
    }
  }
}
