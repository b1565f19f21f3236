import { z } from "zod";

/** A limit: a positive number, or the explicit word `unlimited` (never 0 or absent by accident). */
export type Limit = number | "unlimited";

/** Lifetime caps for one issue, over every attempt Symphony ever ran for it. */
export interface IssueCaps {
  /** Worker runs (first dispatch, retries and continuations). */
  readonly attempts: Limit;
  readonly turns: Limit;
  /** Summed wall time of the issue's runs. */
  readonly wallTimeMs: Limit;
  readonly tokens: Limit;
  readonly costUsd: Limit;
}

/** A periodic budget: spend within one UTC day or month, for all issues or those with a label/state. */
export interface Budget {
  readonly period: "day" | "month";
  /** Only issues carrying this label (normalised lower-case); null = every issue. */
  readonly label: string | null;
  /** Only issues in this state (normalised lower-case); null = every state. */
  readonly state: string | null;
  readonly tokens: Limit;
  readonly costUsd: Limit;
}

/** Price of one model in US dollars per million tokens. */
export interface ModelPrice {
  readonly input: number;
  readonly cachedInput: number;
  readonly output: number;
}

/** `limits:` — spend control (docs/spend-and-safety.md). */
export interface SpendSettings {
  readonly issue: IssueCaps;
  readonly budgets: readonly Budget[];
  /** Attempts in a row without any tracker or workspace change before the issue is parked. */
  readonly noProgressAttempts: Limit;
  /** Per-model prices overriding or extending the built-in table (model name → price). */
  readonly prices: Readonly<Record<string, ModelPrice>>;
  /** Circuit breakers per agent backend and tracker. */
  readonly breaker: { readonly failures: Limit; readonly cooldownMs: number };
}

/** Defaults: every cap finite, chosen so a runaway loop stops within a minute (docs explain each). */
export const DEFAULT_ISSUE_CAPS: IssueCaps = Object.freeze({
  attempts: 10,
  turns: 60,
  wallTimeMs: 4 * 60 * 60 * 1000,
  tokens: 5_000_000,
  costUsd: 20,
});

/** The default periodic budget: US$100 per UTC day across every issue. */
export const DEFAULT_BUDGETS: readonly Budget[] = Object.freeze([
  Object.freeze({ period: "day", label: null, state: null, tokens: "unlimited", costUsd: 100 } as const),
]);

/** The default no-progress threshold. */
export const DEFAULT_NO_PROGRESS_ATTEMPTS = 3;

const LIMIT_ERROR = "must be a positive number or the word unlimited";
const limit = z.union(
  [z.literal("unlimited"), z.number({ error: LIMIT_ERROR }).positive({ error: LIMIT_ERROR })],
  { error: LIMIT_ERROR },
);
const price = z.number({ error: "must be a number ≥ 0" }).min(0, { error: "must be a number ≥ 0" });

const budgetSchema = z
  .object({
    period: z.enum(["day", "month"], { error: "must be day or month" }),
    label: z.string({ error: "must be a string" }).trim().min(1).optional(),
    state: z.string({ error: "must be a string" }).trim().min(1).optional(),
    tokens: limit.default("unlimited"),
    cost_usd: limit.default("unlimited"),
  })
  .strict()
  .refine((b) => b.tokens !== "unlimited" || b.cost_usd !== "unlimited", {
    error: "must set tokens or cost_usd (a budget limiting nothing is a typo)",
  });

/** The zod schema of the `limits:` section (snake_case, defaults applied). */
export const limitsSchema = z
  .object({
    issue: z
      .object({
        attempts: limit.default(DEFAULT_ISSUE_CAPS.attempts),
        turns: limit.default(DEFAULT_ISSUE_CAPS.turns),
        wall_time_ms: limit.default(DEFAULT_ISSUE_CAPS.wallTimeMs),
        tokens: limit.default(DEFAULT_ISSUE_CAPS.tokens),
        cost_usd: limit.default(DEFAULT_ISSUE_CAPS.costUsd),
      })
      .strict()
      .prefault({})
      .describe("Lifetime caps per issue; each a positive number or `unlimited`"),
    budgets: z
      // `unlimited` → null: no periodic budget (an empty list is refused as a likely mistake)
      .preprocess(
        (value) => (value === "unlimited" ? null : value),
        z
          .array(budgetSchema, { error: "must be a list of budgets or the word unlimited" })
          .min(1, { error: "must not be empty; write `unlimited` to have no periodic budget" })
          .nullable(),
      )
      .optional()
      .describe("Periodic budgets (UTC day/month, global or per label/state); default: US$100 a day"),
    no_progress_attempts: limit
      .default(DEFAULT_NO_PROGRESS_ATTEMPTS)
      .describe("Attempts in a row with no tracker and no workspace change before the issue is parked"),
    breaker: z
      .object({
        failures: limit
          .default(5)
          .describe("Consecutive same-kind failures (auth, 5xx, rate limit) that open it"),
        cooldown_ms: z
          .number({ error: "must be a positive number" })
          .positive({ error: "must be a positive number" })
          .default(300_000)
          .describe("How long an open circuit waits before one probe"),
      })
      .strict()
      .prefault({})
      .describe("Circuit breakers per agent backend and per tracker"),
    prices: z
      .record(
        z.string(),
        z.object({ input: price, cached_input: price.optional(), output: price }).strict(),
        { error: "must be a map of model name → {input, cached_input, output} (US$ per million tokens)" },
      )
      .default({})
      .describe("Model prices in US$ per million tokens, overriding the built-in table"),
  })
  .strict()
  .prefault({});

/** Turns the parsed `limits:` section into {@link SpendSettings}. */
export function toSpendSettings(raw: z.output<typeof limitsSchema>): SpendSettings {
  const budgets =
    raw.budgets === undefined
      ? DEFAULT_BUDGETS
      : raw.budgets === null
        ? []
        : raw.budgets.map((b) => ({
            period: b.period,
            label: b.label?.toLowerCase() ?? null,
            state: b.state?.toLowerCase() ?? null,
            tokens: b.tokens,
            costUsd: b.cost_usd,
          }));
  const prices: Record<string, ModelPrice> = {};
  for (const [model, p] of Object.entries(raw.prices)) {
    prices[model] = { input: p.input, cachedInput: p.cached_input ?? p.input, output: p.output };
  }
  return {
    issue: {
      attempts: raw.issue.attempts,
      turns: raw.issue.turns,
      wallTimeMs: raw.issue.wall_time_ms,
      tokens: raw.issue.tokens,
      costUsd: raw.issue.cost_usd,
    },
    budgets,
    noProgressAttempts: raw.no_progress_attempts,
    prices,
    breaker: { failures: raw.breaker.failures, cooldownMs: raw.breaker.cooldown_ms },
  };
}

/** True when `used` has reached a finite `limit`. */
export function reached(used: number, max: Limit): boolean {
  return max !== "unlimited" && used >= max;
}

/** Every default of `limits:` (what an absent section means). */
export const DEFAULT_SPEND_SETTINGS: SpendSettings = toSpendSettings(limitsSchema.parse({}));
