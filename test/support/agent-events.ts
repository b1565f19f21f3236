import type { AgentEvent } from "../../src/domain/agent-event.js";

/** The events of one `type`, narrowed to that variant. */
export function ofType<T extends AgentEvent["type"]>(
  events: readonly AgentEvent[],
  type: T,
): Extract<AgentEvent, { type: T }>[] {
  return events.filter((e): e is Extract<AgentEvent, { type: T }> => e.type === type);
}
