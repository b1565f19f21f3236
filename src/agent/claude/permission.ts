import { oneLine } from "../../util/one-line.js";
import { toolSummary } from "./event-map.js";

type Obj = Readonly<Record<string, unknown>>;

/** What the session answers to one `can_use_tool` request. */
export type PermissionDecision =
  /** Allowed (only when the operator configured `permission_mode: bypassPermissions`). */
  | { readonly type: "allow"; readonly summary: string }
  /** Refused and the turn interrupted; the attempt ends blocked on a person with `question`. */
  | { readonly type: "block"; readonly kind: "approval" | "user_input"; readonly question: string };

function questionsOf(input: Obj): string {
  const questions = Array.isArray(input.questions) ? (input.questions as Obj[]) : [];
  return questions
    .map((q) => {
      const options = Array.isArray(q.options)
        ? (q.options as Obj[])
            .map((o) => (typeof o.label === "string" ? o.label : ""))
            .filter((l) => l !== "")
        : [];
      const text =
        typeof q.question === "string" ? q.question : typeof q.header === "string" ? q.header : "?";
      return `${text}${options.length > 0 ? ` [${options.join(" / ")}]` : ""}`;
    })
    .join("; ");
}

/**
 * The approval posture (same as codex, docs/safety.md): a tool the CLI asks about is allowed only when
 * the operator chose `bypassPermissions`; otherwise the call is refused and the issue is blocked with the
 * question. A question to the user (`AskUserQuestion`) always needs a person.
 */
export function decidePermission(
  toolName: string,
  input: Obj,
  reason: string,
  autoApprove: boolean,
): PermissionDecision {
  if (toolName === "AskUserQuestion") {
    return { type: "block", kind: "user_input", question: oneLine(questionsOf(input) || "question", 500) };
  }
  const summary = toolSummary(toolName, input);
  if (autoApprove) return { type: "allow", summary };
  const why = reason.trim() === "" ? "" : ` (${reason})`;
  return { type: "block", kind: "approval", question: oneLine(`approve ${summary}${why}`, 500) };
}
