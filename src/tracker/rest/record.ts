import type { Issue } from "../../domain/issue.js";

/**
 * What every REST tracker's normaliser returns for one provider record: a normalised issue, a record
 * outside the configured scope (skipped quietly), or a malformed one (skipped with a warning on a
 * list read, an error on a refresh) with the reason.
 */
export type TrackerRecord =
  | { readonly kind: "issue"; readonly issue: Issue }
  | { readonly kind: "out_of_scope"; readonly id: string }
  | { readonly kind: "malformed"; readonly id: string | null; readonly reason: string };

/** A malformed record, with the provider's id when one could be read. */
export function malformed(id: string | null, reason: string): TrackerRecord {
  return { kind: "malformed", id, reason };
}
