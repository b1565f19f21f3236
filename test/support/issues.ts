import type { Issue } from "../../src/domain/issue.js";

let seq = 0;

/** A normalised issue with sensible defaults. */
export function makeIssue(partial: Partial<Issue> & { identifier?: string } = {}): Issue {
  seq += 1;
  const identifier = partial.identifier ?? `T-${seq}`;
  return {
    id: partial.id ?? `id-${identifier}`,
    identifier,
    title: `Issue ${identifier}`,
    description: null,
    priority: null,
    state: "Todo",
    branchName: null,
    url: null,
    assigneeId: null,
    labels: [],
    blockedBy: [],
    dispatchable: true,
    nativeRef: null,
    createdAt: null,
    updatedAt: null,
    ...partial,
  };
}
