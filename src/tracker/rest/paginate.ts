import type { TrackerError } from "../../domain/errors.js";
import { err, ok, type Result } from "../../domain/result.js";
import { paginationError } from "../rest-errors.js";

/** What one page says about the next: none, a cursor (with a key naming it), or nonsense. */
export type NextPage<C> =
  | { readonly kind: "last" }
  | { readonly kind: "next"; readonly cursor: C; readonly key: string }
  | { readonly kind: "invalid"; readonly problem: string };

/** One paged read: where it starts and how far it may go. */
export interface PaginateOptions<C> {
  readonly provider: string;
  /** The endpoint, for messages ("search/jql", "project tasks"). */
  readonly what: string;
  readonly maxPages: number;
  /** Said after the page limit in the error, e.g. `(provider.max_pages)`. */
  readonly limitHint?: string;
  readonly first: C;
  /** The key of the first page, when a later cursor could point back at it. */
  readonly firstKey?: string;
}

/**
 * Reads pages until the last, with the runaway-loop guards in one place: a page limit and a cursor
 * (offset, token, next link) that repeats. `read` takes one page's items and says where the next is;
 * any error it returns ends the read.
 */
export async function paginate<C>(
  options: PaginateOptions<C>,
  read: (cursor: C, page: number) => Promise<Result<NextPage<C>, TrackerError>>,
): Promise<Result<void, TrackerError>> {
  const { provider, what, maxPages } = options;
  const seen = new Set<string>(options.firstKey === undefined ? [] : [options.firstKey]);
  let cursor = options.first;
  for (let page = 1; ; page += 1) {
    if (page > maxPages) {
      const hint = options.limitHint === undefined ? "" : ` ${options.limitHint}`;
      return err(paginationError(provider, what, `stopped after ${maxPages} pages${hint}`));
    }
    const next = await read(cursor, page);
    if (!next.ok) return next;
    const step = next.value;
    switch (step.kind) {
      case "last":
        return ok(undefined);
      case "invalid":
        return err(paginationError(provider, what, step.problem));
      case "next":
        if (seen.has(step.key)) {
          return err(paginationError(provider, what, `the next-page cursor repeated (${step.key})`));
        }
        seen.add(step.key);
        cursor = step.cursor;
        break;
      default: {
        const _exhaustive: never = step;
        return _exhaustive;
      }
    }
  }
}
