import type { ModelPrice } from "./settings.js";

/** When the built-in table was last checked against the providers' public price pages. */
export const PRICES_AS_OF = "2025-10-01";

// US$ per million tokens. Facts from the providers' price pages on PRICES_AS_OF; override in WORKFLOW.md
// (`limits.prices`) when yours differ (batch, regional or negotiated prices are not modelled).
const BUILT_IN: Readonly<Record<string, ModelPrice>> = {
  "gpt-5": { input: 1.25, cachedInput: 0.125, output: 10 },
  "gpt-5-mini": { input: 0.25, cachedInput: 0.025, output: 2 },
  "gpt-5-nano": { input: 0.05, cachedInput: 0.005, output: 0.4 },
  "gpt-5-codex": { input: 1.25, cachedInput: 0.125, output: 10 },
  "gpt-4.1": { input: 2, cachedInput: 0.5, output: 8 },
  "gpt-4.1-mini": { input: 0.4, cachedInput: 0.1, output: 1.6 },
  "gpt-4o": { input: 2.5, cachedInput: 1.25, output: 10 },
  "gpt-4o-mini": { input: 0.15, cachedInput: 0.075, output: 0.6 },
  o3: { input: 2, cachedInput: 0.5, output: 8 },
  "o4-mini": { input: 1.1, cachedInput: 0.275, output: 4.4 },
  "claude-opus-4": { input: 15, cachedInput: 1.5, output: 75 },
  "claude-opus-4-5": { input: 5, cachedInput: 0.5, output: 25 },
  "claude-sonnet-4-5": { input: 3, cachedInput: 0.3, output: 15 },
  "claude-haiku-4-5": { input: 1, cachedInput: 0.1, output: 5 },
  "claude-sonnet-4": { input: 3, cachedInput: 0.3, output: 15 },
  "claude-3-7-sonnet": { input: 3, cachedInput: 0.3, output: 15 },
  "claude-3-5-haiku": { input: 0.8, cachedInput: 0.08, output: 4 },
  "claude-haiku-4": { input: 1, cachedInput: 0.1, output: 5 },
  "gemini-2.5-pro": { input: 1.25, cachedInput: 0.31, output: 10 },
  "gemini-2.5-flash": { input: 0.3, cachedInput: 0.075, output: 2.5 },
  "gemini-2.5-flash-lite": { input: 0.1, cachedInput: 0.025, output: 0.4 },
};

/** Token growth to price. */
export interface UsageDelta {
  readonly input: number;
  /** Part of `input` served from the provider's prompt cache (cheaper), when reported. */
  readonly cachedInput: number;
  readonly output: number;
}

/**
 * The price of a model: an exact override, else the longest built-in or override name that prefixes it
 * (`claude-sonnet-4-5-20250929` → `claude-sonnet-4`), ignoring a `provider/` prefix. Null when unknown.
 */
export function priceFor(
  model: string | null,
  overrides: Readonly<Record<string, ModelPrice>>,
): ModelPrice | null {
  if (model === null || model.trim() === "") return null;
  const name = model.trim().toLowerCase();
  const bare = name.includes("/") ? name.slice(name.lastIndexOf("/") + 1) : name;
  const table: Record<string, ModelPrice> = { ...BUILT_IN };
  for (const [key, value] of Object.entries(overrides)) table[key.toLowerCase()] = value;
  for (const candidate of [name, bare]) {
    const exact = table[candidate];
    if (exact !== undefined) return exact;
  }
  let best: string | null = null;
  for (const key of Object.keys(table)) {
    if (
      (bare.startsWith(`${key}-`) || bare.startsWith(`${key}.`)) &&
      (best === null || key.length > best.length)
    ) {
      best = key;
    }
  }
  return best === null ? null : (table[best] ?? null);
}

/** US dollars for a usage delta at a price (cached input billed at the cached rate). */
export function costOf(usage: UsageDelta, price: ModelPrice): number {
  const cached = Math.min(Math.max(usage.cachedInput, 0), Math.max(usage.input, 0));
  const fresh = Math.max(usage.input - cached, 0);
  return (fresh * price.input + cached * price.cachedInput + Math.max(usage.output, 0) * price.output) / 1e6;
}
