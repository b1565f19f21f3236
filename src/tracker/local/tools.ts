import type { AgentToolSpec, ToolResult } from "../../domain/agent-event.js";
import type { ToolContext } from "../adapter.js";
import type { LocalIssueStore } from "./store.js";

/** The one tool the local tracker offers: change the worked issue's state and/or comment on it. */
export const UPDATE_ISSUE_TOOL: AgentToolSpec = {
  name: "update_issue",
  description:
    "Update the issue you are working on in the local tracker: set its state (e.g. a hand-off state such as " +
    '"Human Review") and/or append a comment. At least one of `state` or `comment` is required.',
  inputSchema: {
    type: "object",
    additionalProperties: false,
    properties: {
      state: { type: "string", description: "New state name, spelled as in the workflow." },
      comment: { type: "string", description: "Markdown text appended to the issue." },
    },
  },
};

function failure(message: string): ToolResult {
  return { success: false, output: { error: { message } } };
}

/** Executes `update_issue` against the issue in `context` (never another one). */
export async function executeUpdateIssue(
  store: LocalIssueStore,
  args: unknown,
  context: ToolContext,
): Promise<ToolResult> {
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    return failure("update_issue expects an object with `state` and/or `comment`.");
  }
  const { state, comment, ...rest } = args as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return failure(`Unknown fields: ${Object.keys(rest).join(", ")}.`);
  if (state !== undefined && (typeof state !== "string" || state.trim() === "")) {
    return failure("`state` must be a non-empty string.");
  }
  if (comment !== undefined && (typeof comment !== "string" || comment.trim() === "")) {
    return failure("`comment` must be a non-empty string.");
  }
  if (state === undefined && comment === undefined) return failure("Give `state`, `comment`, or both.");
  const change = {
    ...(state === undefined ? {} : { state: (state as string).trim() }),
    ...(comment === undefined ? {} : { comment: comment as string }),
  };
  const result = await store.update(context.issue.identifier, change);
  if (!result.ok) return failure(result.error);
  return { success: true, output: { identifier: context.issue.identifier, ...change } };
}
