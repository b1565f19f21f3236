import type { AttemptRecord, TokenUsage } from "../domain/run-record.js";

/** No attempts, no tokens, no cost. */
export const ZERO_USAGE: TokenUsage = Object.freeze({
  attempts: 0,
  inputTokens: 0,
  outputTokens: 0,
  totalTokens: 0,
  costUsd: 0,
});

/** `usage` plus one ended attempt (an unpriced attempt adds no cost). */
export function addAttemptUsage(usage: TokenUsage, r: AttemptRecord): TokenUsage {
  return {
    attempts: usage.attempts + 1,
    inputTokens: usage.inputTokens + r.tokens.inputTokens,
    outputTokens: usage.outputTokens + r.tokens.outputTokens,
    totalTokens: usage.totalTokens + r.tokens.totalTokens,
    costUsd: usage.costUsd + (r.costUsd ?? 0),
  };
}

/** Two usage totals added (other instances' recorded runs and this process's). */
export function sumUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    attempts: a.attempts + b.attempts,
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    totalTokens: a.totalTokens + b.totalTokens,
    costUsd: a.costUsd + b.costUsd,
  };
}
