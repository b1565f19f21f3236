/** Shared timing loop for the REST tracker tick benchmarks (jira-tick, asana-tick). */

/** One measured variant: runs a full candidate poll and returns how many issues it saw. */
export interface Variant {
  readonly name: string;
  run(): Promise<number>;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Runs `rounds` rounds (variant order rotating each round) after two warm-up rounds, prints the
 * median and minimum per variant, and returns the median per-round ratio first/second.
 */
export async function compare(
  variants: readonly [Variant, Variant],
  rounds: number,
  expected: number,
): Promise<number> {
  const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  const ratios: number[] = [];
  for (let round = -2; round < rounds; round++) {
    const order = round % 2 === 0 ? variants : ([variants[1], variants[0]] as const);
    const took = new Map<string, number>();
    for (const variant of order) {
      const started = performance.now();
      const seen = await variant.run();
      const ms = performance.now() - started;
      if (seen !== expected) throw new Error(`${variant.name} saw ${seen} issues, expected ${expected}`);
      took.set(variant.name, ms);
    }
    if (round < 0) continue;
    for (const [name, ms] of took) times.get(name)?.push(ms);
    ratios.push((took.get(variants[0].name) as number) / (took.get(variants[1].name) as number));
  }
  for (const [name, list] of times) {
    process.stdout.write(
      `${name}: median ${median(list).toFixed(1)} ms, min ${Math.min(...list).toFixed(1)} ms\n`,
    );
  }
  return median(ratios);
}
