import type { Result } from "../../domain/result.js";
import { ok } from "../../domain/result.js";

/**
 * Runs `one` over `items` with at most `concurrency` calls in flight (trackers without a batch read
 * refresh issue by issue). After the first failure no new call starts and that failure is returned;
 * otherwise the values come back in item order.
 */
export async function mapBounded<I, T, E>(
  items: readonly I[],
  concurrency: number,
  one: (item: I) => Promise<Result<T, E>>,
): Promise<Result<T[], E>> {
  const results: Array<Result<T, E> | undefined> = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      const result = await one(items[index] as I);
      results[index] = result;
      if (!result.ok) failed = true;
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, concurrency), items.length) }, worker));
  const values: T[] = [];
  for (const result of results) {
    if (result === undefined) continue;
    if (!result.ok) return result;
    values.push(result.value);
  }
  return ok(values);
}
