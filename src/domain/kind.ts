/** Anything pluggable by name in WORKFLOW.md (a tracker, an agent backend, a host, a store). */
export interface Kind {
  /** The name WORKFLOW.md uses (`tracker.kind`, `agent.backend`, …); lower-case. */
  readonly name: string;
}

/** The kinds of one seam, by name; built once in `src/kinds.ts`. */
export interface KindRegistry<K extends Kind> {
  /** Every registered name, in registration order. */
  readonly names: readonly string[];
  /** The kind called `name` (exact, lower-case), or undefined. */
  get(name: string): K | undefined;
}

/** A registry over `kinds`; a repeated name is a programming error and throws. */
export function kindRegistry<K extends Kind>(kinds: readonly K[]): KindRegistry<K> {
  const byName = new Map<string, K>();
  for (const kind of kinds) {
    if (byName.has(kind.name)) throw new Error(`kind ${JSON.stringify(kind.name)} registered twice`);
    byName.set(kind.name, kind);
  }
  return { names: [...byName.keys()], get: (name) => byName.get(name) };
}
