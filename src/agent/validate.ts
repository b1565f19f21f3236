import { configForProfile } from "../config/profiles.js";
import type { ServiceConfig } from "../config/types.js";
import { type ConfigProblem, problem } from "../domain/config-problem.js";
import type { KindRegistry } from "../domain/kind.js";
import type { BackendKind } from "./kind.js";

/**
 * Checks that the configured agent backend exists and can be launched with these settings (spec 6.3
 * preflight): the backend kind's own check. Used by `symphony validate`, at startup and before every
 * dispatch. Warnings (e.g. a codex value newer than the pinned codex) are returned but never block. Every
 * `profiles:` entry's backend is checked the same way.
 */
export function agentConfigProblems(
  config: ServiceConfig,
  backends: KindRegistry<BackendKind>,
): ConfigProblem[] {
  const kind = backends.get(config.agent.backend);
  if (kind === undefined) {
    return [problem("agent.backend", "known", `${JSON.stringify(config.agent.backend)} is not available`)];
  }
  const problems = [...kind.check(config)];
  // each profile's backend is checked under the config its issues run with, its keys under profiles.<name>
  for (const profile of config.profiles) {
    const own = backends.get(profile.backend);
    if (own === undefined) continue; // refused when the workflow loaded
    for (const p of own.check(configForProfile(config, profile)))
      problems.push({ ...p, key: `profiles.${profile.name}.${p.key}` });
  }
  return problems;
}
