import { describe, expect, it } from "vitest";
import { costOf, priceFor } from "../../src/spend/prices.js";
import { DEFAULT_SPEND_SETTINGS, limitsSchema, toSpendSettings } from "../../src/spend/settings.js";

describe("limits: every limit is finite unless it says unlimited", () => {
  it("an absent section gives finite caps, a day budget and a no-progress threshold", () => {
    const s = DEFAULT_SPEND_SETTINGS;
    for (const value of Object.values(s.issue)) expect(typeof value).toBe("number");
    expect(s.budgets).toEqual([
      { period: "day", label: null, state: null, tokens: "unlimited", costUsd: 100 },
    ]);
    expect(s.noProgressAttempts).toBe(3);
  });

  it.each([
    ["a zero cap", { issue: { turns: 0 } }, "issue.turns"],
    ["a negative cap", { issue: { cost_usd: -1 } }, "issue.cost_usd"],
    ["an empty budget list", { budgets: [] }, "budgets"],
    ["a budget that limits nothing", { budgets: [{ period: "day" }] }, "budgets.0"],
    ["a misspelt cap", { issue: { turn: 5 } }, "issue"],
    ["an unknown period", { budgets: [{ period: "week", cost_usd: 1 }] }, "budgets.0.period"],
    ["zero no-progress attempts", { no_progress_attempts: 0 }, "no_progress_attempts"],
  ])("%s is a validation error at %s", (_what, raw, path) => {
    const parsed = limitsSchema.safeParse(raw);
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(parsed.error.issues.map((i) => i.path.join("."))).toContain(path);
  });

  it("`unlimited` is the explicit word for no limit, for caps and for budgets", () => {
    const s = toSpendSettings(limitsSchema.parse({ issue: { cost_usd: "unlimited" }, budgets: "unlimited" }));
    expect(s.issue.costUsd).toBe("unlimited");
    expect(s.budgets).toEqual([]);
  });
});

describe("prices", () => {
  it("a dated model name uses its family's price; an override wins; an unknown model has none", () => {
    expect(priceFor("claude-sonnet-4-5-20250929", {})).toEqual({ input: 3, cachedInput: 0.3, output: 15 });
    expect(priceFor("openai/gpt-5-mini", {})).toEqual({ input: 0.25, cachedInput: 0.025, output: 2 });
    expect(priceFor("gpt-5", { "gpt-5": { input: 9, cachedInput: 9, output: 9 } })?.input).toBe(9);
    expect(priceFor("fake-model", {})).toBeNull();
    expect(priceFor(null, {})).toBeNull();
  });

  it("cached input is billed at the cached rate and never more than the input", () => {
    const price = { input: 2, cachedInput: 0.5, output: 8 };
    expect(costOf({ input: 1_000_000, cachedInput: 400_000, output: 100_000 }, price)).toBeCloseTo(
      1.2 + 0.2 + 0.8,
      9,
    );
    expect(costOf({ input: 100, cachedInput: 1_000, output: 0 }, price)).toBeCloseTo((100 * 0.5) / 1e6, 12);
  });
});
