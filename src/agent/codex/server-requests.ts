import { oneLine } from "../../util/one-line.js";
import { SERVER_REQUEST } from "./protocol.js";

type Obj = Readonly<Record<string, unknown>>;

/** What the session does with one server-to-client request. Every branch answers it. */
export type RequestDecision =
  /** Answer with `result`; the turn goes on (auto-approval under `never`). */
  | { readonly type: "approve"; readonly result: unknown; readonly kind: string; readonly summary: string }
  /** Answer with `result` (a refusal), then end the attempt as blocked on a person. */
  | {
      readonly type: "block";
      readonly result: unknown;
      readonly kind: "user_input" | "approval" | "elicitation";
      readonly question: string;
    }
  /** Execute the dynamic tool host-side and answer with its result. */
  | {
      readonly type: "tool";
      readonly tool: string | null;
      readonly arguments: unknown;
    }
  /** Answer with a JSON-RPC error (unknown method). */
  | { readonly type: "error"; readonly code: number; readonly message: string };

function obj(value: unknown): Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Obj) : {};
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** Labels that approve an MCP tool call, best first. */
function approvalLabel(options: readonly Obj[]): string | null {
  const labels = options.map((o) => text(o.label));
  for (const wanted of ["Approve this Session", "Approve Once"]) if (labels.includes(wanted)) return wanted;
  return labels.find((l) => /^(approve|allow)/i.test(l.trim())) ?? null;
}

/** Renders user-input questions as one line, for the blocked entry. */
function questionsText(questions: readonly Obj[]): string {
  return oneLine(
    questions
      .map((q) => {
        const options = Array.isArray(q.options) ? (q.options as Obj[]).map((o) => text(o.label)) : [];
        return `${text(q.question) || text(q.header) || text(q.id)}${options.length ? ` [${options.join(" / ")}]` : ""}`;
      })
      .join("; "),
    500,
  );
}

/**
 * Refusals that block use the "deny and stop the turn" answers (`cancel`, `abort`), so codex does not go
 * back to the model with the refusal before Symphony's `turn/interrupt` lands.
 *
 * The approval/user-input/tool policy (docs/safety.md): under `approval_policy: never` command and file-change
 * approvals are accepted for the session and MCP tool-approval prompts are answered "approve"; any other
 * approval, any free-form or option question, and every MCP elicitation blocks the attempt for a person.
 * Dynamic tool calls run host-side. Unknown methods get a JSON-RPC error so codex never waits forever.
 */
export function decideServerRequest(method: string, params: unknown, autoApprove: boolean): RequestDecision {
  const p = obj(params);
  switch (method) {
    case SERVER_REQUEST.commandApproval: {
      const command = oneLine(text(p.command) || "command", 300);
      if (autoApprove) {
        return {
          type: "approve",
          result: { decision: "acceptForSession" },
          kind: "command",
          summary: command,
        };
      }
      const reason = text(p.reason);
      return {
        type: "block",
        result: { decision: "cancel" },
        kind: "approval",
        question: oneLine(`approve command: ${command}${reason ? ` (${reason})` : ""}`, 500),
      };
    }
    case SERVER_REQUEST.fileChangeApproval: {
      const reason = text(p.reason) || "file changes";
      if (autoApprove) {
        return {
          type: "approve",
          result: { decision: "acceptForSession" },
          kind: "file_change",
          summary: reason,
        };
      }
      return {
        type: "block",
        result: { decision: "cancel" },
        kind: "approval",
        question: oneLine(`approve file change: ${reason}`),
      };
    }
    case SERVER_REQUEST.legacyExecApproval:
    case SERVER_REQUEST.legacyPatchApproval: {
      const what = Array.isArray(p.command) ? p.command.join(" ") : text(p.reason) || method;
      if (autoApprove) {
        return { type: "approve", result: { decision: "approved_for_session" }, kind: method, summary: what };
      }
      return {
        type: "block",
        result: { decision: "abort" },
        kind: "approval",
        question: oneLine(`approve: ${what}`),
      };
    }
    case SERVER_REQUEST.permissionsApproval:
      // extra sandbox permissions are never granted automatically: an empty grant, then blocked
      return {
        type: "block",
        result: { permissions: {} },
        kind: "approval",
        question: oneLine(`grant permissions: ${text(p.reason) || JSON.stringify(p.permissions ?? {})}`, 500),
      };
    case SERVER_REQUEST.userInput: {
      const questions = Array.isArray(p.questions) ? (p.questions as Obj[]) : [];
      if (autoApprove && questions.length > 0) {
        const answers: Record<string, { answers: string[] }> = {};
        for (const q of questions) {
          const label = Array.isArray(q.options) ? approvalLabel(q.options as Obj[]) : null;
          if (!text(q.id).startsWith("mcp_tool_call_approval_") || label === null) break;
          answers[text(q.id)] = { answers: [label] };
        }
        if (Object.keys(answers).length === questions.length) {
          return {
            type: "approve",
            result: { answers },
            kind: "mcp_tool_call",
            summary: questionsText(questions),
          };
        }
      }
      return {
        type: "block",
        result: { answers: {} },
        kind: "user_input",
        question: questionsText(questions),
      };
    }
    case SERVER_REQUEST.elicitation:
      return {
        type: "block",
        result: { action: "cancel" },
        kind: "elicitation",
        question: oneLine(`${text(p.serverName) || "MCP server"}: ${text(p.message) || "needs input"}`, 500),
      };
    case SERVER_REQUEST.toolCall: {
      const tool = (text(p.tool) || text(p.name)).trim();
      return { type: "tool", tool: tool === "" ? null : tool, arguments: p.arguments ?? {} };
    }
    default:
      return { type: "error", code: -32601, message: `symphony does not handle ${method}` };
  }
}
