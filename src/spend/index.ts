export { SpendGuard } from "./guard.js";
export type { IssueSpend, PeriodSpend, SpendIncrement, SpendLedger } from "./ledger.js";
export { KEEP_DAYS, MemoryLedger, scopeKeys, utcDay } from "./ledger.js";
export type { UsageDelta } from "./prices.js";
export { costOf, PRICES_AS_OF, priceFor } from "./prices.js";
export type { Budget, IssueCaps, Limit, ModelPrice, SpendSettings } from "./settings.js";
export {
  DEFAULT_BUDGETS,
  DEFAULT_ISSUE_CAPS,
  DEFAULT_NO_PROGRESS_ATTEMPTS,
  DEFAULT_SPEND_SETTINGS,
  limitsSchema,
  reached,
  toSpendSettings,
} from "./settings.js";
export { workspaceFingerprint } from "./workspace-fingerprint.js";
