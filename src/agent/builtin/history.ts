import type { ModelMessage } from "ai";

/** Rough tokens for a value: serialised characters / 4 (no tokenizer is shared across providers). */
export function estimateTokens(value: unknown): number {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? "");
  return Math.ceil(text.length / 4);
}

/** What trimming did, for logs. */
export interface TrimReport {
  readonly messages: ModelMessage[];
  readonly estimatedTokens: number;
  /** Tool outputs replaced by a short marker. */
  readonly elidedToolOutputs: number;
  /** Messages removed outright. */
  readonly droppedMessages: number;
}

/** Marker that replaces an elided tool output; it is itself small and never elided again. */
const ELIDED_PREFIX = "[tool output elided to fit the context window";

/**
 * Trims a conversation to `budgetTokens`: first the oldest tool outputs are replaced with a short
 * marker, then the oldest exchanges (an assistant message with its tool results, or a user message)
 * are dropped. The first message (the issue prompt) and the latest exchange are always kept, and a
 * tool call is never separated from its result. Returns the input unchanged when it already fits.
 */
export function trimHistory(messages: readonly ModelMessage[], budgetTokens: number): TrimReport {
  let total = messages.reduce((sum, m) => sum + estimateTokens(m), 0);
  if (total <= budgetTokens) {
    return { messages: [...messages], estimatedTokens: total, elidedToolOutputs: 0, droppedMessages: 0 };
  }
  const out = [...messages];
  const groups = exchangeStarts(out);
  const protectedFrom = groups[groups.length - 1] ?? out.length;
  let elided = 0;
  for (let i = 0; i < protectedFrom && total > budgetTokens; i++) {
    const message = out[i] as ModelMessage;
    if (message.role !== "tool") continue;
    const before = estimateTokens(message);
    const content = message.content.map((part) => {
      if (part.type !== "tool-result") return part;
      const output = part.output;
      if ((output.type === "text" || output.type === "error-text") && output.value.startsWith(ELIDED_PREFIX))
        return part;
      const size = JSON.stringify(output).length;
      elided++;
      const marker = `${ELIDED_PREFIX}; it was ${size} characters. Call the tool again if you still need it]`;
      return {
        ...part,
        output: { type: output.type.startsWith("error") ? "error-text" : "text", value: marker },
      } as typeof part;
    });
    const replaced: ModelMessage = { ...message, content };
    out[i] = replaced;
    total += estimateTokens(replaced) - before;
  }
  let dropped = 0;
  // drop whole exchanges, oldest first, keeping the first message and the latest exchange
  while (total > budgetTokens) {
    const starts = exchangeStarts(out);
    const first = starts.find((s) => s > 0);
    const next = starts.find((s) => first !== undefined && s > first);
    if (first === undefined || next === undefined) break;
    const removed = out.splice(first, next - first);
    dropped += removed.length;
    total -= removed.reduce((sum, m) => sum + estimateTokens(m), 0);
  }
  return { messages: out, estimatedTokens: total, elidedToolOutputs: elided, droppedMessages: dropped };
}

/** Indexes where an exchange starts: every user or assistant message (tool results belong to the one before). */
function exchangeStarts(messages: readonly ModelMessage[]): number[] {
  const starts: number[] = [];
  messages.forEach((m, i) => {
    if (m.role === "user" || m.role === "assistant") starts.push(i);
  });
  return starts;
}
