import type { AgentEvent, ToolResult } from "../../domain/agent-event.js";
import { messageOf } from "../../domain/errors.js";
import { unsupportedToolResult } from "../../tracker/adapter.js";
import { oneLine } from "../../util/one-line.js";
import type { StartSessionOptions } from "../backend.js";
import type { DynamicToolCallResponse } from "./protocol.js";

/** A tool call's reply to codex and the event to report. */
export interface ToolCallOutcome {
  readonly response: DynamicToolCallResponse;
  readonly event: Extract<AgentEvent, { type: "tool_call" }> extends infer E ? Omit<E, "at"> : never;
}

function toText(output: unknown): string {
  if (typeof output === "string") return output;
  try {
    return JSON.stringify(output) ?? "null";
  } catch {
    return String(output);
  }
}

function reply(tool: string, result: ToolResult): ToolCallOutcome {
  const text = toText(result.output);
  return {
    response: { success: result.success, contentItems: [{ type: "inputText", text }] },
    event: { type: "tool_call", tool, ok: result.success, summary: oneLine(`${tool}: ${text}`) },
  };
}

/**
 * Executes an `item/tool/call` host-side with the session's bound tools. Unadvertised or nameless tools get a
 * failure result listing the supported tools, and a throwing executor becomes a failure: the turn always goes on.
 */
export async function runDynamicTool(
  tool: string | null,
  args: unknown,
  opts: Pick<StartSessionOptions, "tools" | "issue" | "signal">,
): Promise<ToolCallOutcome> {
  const supported = opts.tools.specs.map((s) => s.name);
  if (tool === null || !supported.includes(tool)) {
    return reply(tool ?? "(unnamed)", unsupportedToolResult(tool, supported));
  }
  try {
    return reply(tool, await opts.tools.execute(tool, args, { issue: opts.issue, signal: opts.signal }));
  } catch (cause) {
    return reply(tool, { success: false, output: { error: { message: messageOf(cause) } } });
  }
}
