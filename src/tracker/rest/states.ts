import { configError } from "../../config/provider.js";
import { normaliseState } from "../../domain/issue.js";
import type { WorkflowError } from "../../domain/workflow-error.js";

/**
 * Checks configured state names against the states a provider can report: every active name must be in
 * `active` (null = any name except the terminal-only ones), every terminal name in `terminal` (null = any).
 */
export function checkStates(
  provider: string,
  configured: { readonly active: readonly string[]; readonly terminal: readonly string[] },
  allowed: { readonly active: readonly string[] | null; readonly terminal: readonly string[] | null },
  hint: string,
): WorkflowError[] {
  const errors: WorkflowError[] = [];
  const check = (key: string, names: readonly string[], ok: (n: string) => boolean) => {
    const bad = names.filter((n) => !ok(normaliseState(n)));
    if (bad.length > 0) {
      errors.push(
        configError(
          `tracker.${key}`,
          `${provider} issues can never be in ${bad.map((n) => JSON.stringify(n)).join(", ")}; ${hint}`,
        ),
      );
    }
  };
  const { active, terminal } = allowed;
  check("active_states", configured.active, (n) =>
    active === null ? !(terminal ?? []).includes(n) : active.includes(n),
  );
  check("terminal_states", configured.terminal, (n) => terminal === null || terminal.includes(n));
  return errors;
}
