/** What a built-in tool returns: the text the model reads, and a one-line summary for events. */
export interface ToolOutcome {
  readonly ok: boolean;
  /** Sent back to the model as the tool result (errors included: they never end the session). */
  readonly output: string;
  /** One line for the `tool_call` event and the dashboards. */
  readonly summary: string;
}

/** A failed tool call: the model reads `Error: <message>`. */
export function failure(summary: string, message: string): ToolOutcome {
  return { ok: false, output: `Error: ${message}`, summary: `${summary} (failed: ${firstLine(message)})` };
}

/** A successful tool call. */
export function success(summary: string, output: string): ToolOutcome {
  return { ok: true, output, summary };
}

/** The first line of `text`, cut to `max` characters, for one-line summaries. */
export function firstLine(text: string, max = 120): string {
  const line = text.split("\n", 1)[0] ?? "";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
