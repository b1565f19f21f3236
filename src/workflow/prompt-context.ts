import type { Issue } from "../domain/issue.js";

/** The issue as prompt templates see it: snake_case keys, ISO timestamps (Elixir templates work unchanged). */
export function issueTemplateContext(issue: Issue): Record<string, unknown> {
  const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: issue.id,
    identifier: issue.identifier,
    title: issue.title,
    description: issue.description,
    priority: issue.priority,
    state: issue.state,
    branch_name: issue.branchName,
    url: issue.url,
    assignee_id: issue.assigneeId,
    labels: [...issue.labels],
    blocked_by: issue.blockedBy.map((b) => ({ id: b.id, identifier: b.identifier, state: b.state })),
    dispatchable: issue.dispatchable,
    native_ref: issue.nativeRef === null ? null : { ...issue.nativeRef },
    created_at: iso(issue.createdAt),
    updated_at: iso(issue.updatedAt),
  };
}

/** A fully populated sample issue, used by `symphony validate` to test-render the prompt. */
export const SAMPLE_ISSUE: Issue = Object.freeze({
  id: "sample-issue-id",
  identifier: "SAMPLE-1",
  title: "Sample issue used to validate the prompt template",
  description: "A description so templates that print it render something.",
  priority: 2,
  state: "Todo",
  branchName: "sample-1-branch",
  url: "https://example.invalid/issues/SAMPLE-1",
  assigneeId: "sample-user",
  labels: ["sample"],
  blockedBy: [{ id: "blocker-id", identifier: "SAMPLE-0", state: "Done" }],
  dispatchable: true,
  nativeRef: { sample: true },
  createdAt: Date.UTC(2026, 0, 1),
  updatedAt: Date.UTC(2026, 0, 2),
});
