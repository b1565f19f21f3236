/** How one doctor check came out. */
export type CheckStatus = "ok" | "warn" | "fail";

/** One doctor finding: what was checked, how it went, and (for warn/fail) a concrete fix. */
export interface CheckResult {
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail: string;
  readonly fix?: string;
}

/** Builds a finding; `fix` only when given. */
export function result(name: string, status: CheckStatus, detail: string, fix?: string): CheckResult {
  return fix === undefined ? { name, status, detail } : { name, status, detail, fix };
}
