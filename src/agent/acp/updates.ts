import type { AgentEvent } from "../../domain/agent-event.js";
import type { Clock } from "../../util/clock.js";
import { oneLine } from "../../util/one-line.js";
import { reportedToolName } from "../mcp/tool-names.js";

type Obj = Readonly<Record<string, unknown>>;
type Emitted = AgentEvent extends infer E ? (E extends unknown ? Omit<E, "at"> : never) : never;

/** Streamed chunks become at most one event per second: dashboards and stall detection stay fed. */
const CHUNK_EVENT_INTERVAL_MS = 1_000;

function obj(value: unknown): Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Obj) : {};
}

function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}

interface ToolCallState {
  title: string;
  kind: string;
  name: string;
  input: unknown;
  done: boolean;
}

/** The tool's own name when the agent says it (`_meta.claudeCode.toolName` for Claude's adapter), else its kind. */
function toolNameOf(update: Obj, fallback: string): string {
  const meta = obj(update._meta);
  const claude = str(obj(meta.claudeCode).toolName);
  return claude !== "" ? reportedToolName(claude) : fallback;
}

/**
 * Turns `session/update` notifications into {@link AgentEvent}s for one session: tool calls become one
 * `tool_call` event when they finish (`completed`/`failed`), message chunks are collected as the turn's
 * answer and surfaced at most once a second, everything else is a one-line notification.
 */
export class UpdateMapper {
  readonly #emit: (event: Emitted) => void;
  readonly #clock: Clock;
  readonly #tools = new Map<string, ToolCallState>();
  #text = "";
  #lastChunkAt = Number.NEGATIVE_INFINITY;

  constructor(emit: (event: Emitted) => void, clock: Clock) {
    this.#emit = emit;
    this.#clock = clock;
  }

  /** The agent text of the current turn so far, and a fresh start for the next. */
  takeText(): string {
    const text = this.#text;
    this.#text = "";
    return text;
  }

  /** The title of a tool call the agent asked permission for (falls back to the request's own). */
  toolTitle(toolCallId: string): string | null {
    return this.#tools.get(toolCallId)?.title ?? null;
  }

  /** Applies one `session/update` payload (`params.update`). */
  onUpdate(raw: unknown): void {
    const update = obj(raw);
    const kind = str(update.sessionUpdate);
    switch (kind) {
      case "agent_message_chunk":
      case "agent_thought_chunk": {
        const text = str(obj(update.content).text);
        if (kind === "agent_message_chunk") this.#text += text;
        const now = this.#clock.now();
        if (now - this.#lastChunkAt < CHUNK_EVENT_INTERVAL_MS) return;
        this.#lastChunkAt = now;
        const what = kind === "agent_message_chunk" ? "agent" : "thinking";
        this.#emit({ type: "notification", method: kind, summary: oneLine(`${what}: ${this.#tail(text)}`) });
        return;
      }
      case "tool_call":
      case "tool_call_update":
        this.#onToolCall(update, kind === "tool_call");
        return;
      case "plan": {
        const entries = Array.isArray(update.entries) ? (update.entries as Obj[]) : [];
        const done = entries.filter((e) => e.status === "completed").length;
        this.#emit({ type: "notification", method: kind, summary: `plan: ${done}/${entries.length} done` });
        return;
      }
      case "usage_update":
        this.#emit({
          type: "notification",
          method: kind,
          summary: `context ${String(update.used ?? "?")}/${String(update.size ?? "?")} tokens`,
        });
        return;
      default:
        this.#emit({ type: "notification", method: kind || "session/update", summary: kind || "update" });
    }
  }

  #tail(chunk: string): string {
    return chunk.trim() !== "" ? chunk : this.#text.slice(-120);
  }

  #onToolCall(update: Obj, created: boolean): void {
    const id = str(update.toolCallId);
    const known = this.#tools.get(id);
    const state: ToolCallState = known ?? { title: "", kind: "", name: "", input: undefined, done: false };
    if (typeof update.title === "string" && update.title !== "") state.title = update.title;
    if (typeof update.kind === "string") state.kind = update.kind;
    if (update.rawInput !== undefined) state.input = update.rawInput;
    state.name = toolNameOf(update, state.name || state.kind || "tool");
    this.#tools.set(id, state);
    if (created) {
      this.#emit({
        type: "notification",
        method: "tool_call",
        summary: oneLine(`started ${state.title || state.name}`),
      });
    }
    const status = str(update.status);
    if (state.done || (status !== "completed" && status !== "failed")) return;
    state.done = true;
    this.#emit({
      type: "tool_call",
      tool: state.name,
      ok: status === "completed",
      summary: oneLine(`${state.name}: ${state.title || JSON.stringify(state.input ?? {})}`),
    });
  }
}
