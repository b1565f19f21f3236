import type { WorkflowError } from "../domain/workflow-error.js";
import type { ConfigKinds, SettingsContext } from "./kind-settings.js";
import { type AgentProfile, profileSelectors } from "./profiles.js";
import { configError, showValue } from "./provider.js";

type Obj = Readonly<Record<string, unknown>>;

function obj(value: unknown): Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Obj) : {};
}

const OWN_KEYS = new Set(["backend", "labels", "states"]);

/**
 * Resolves `profiles:` (already shape-checked): each profile's backend section is the top-level section as
 * written with the profile's own keys laid over it, checked with that backend kind's schema and resolver,
 * so a profile is exactly what the same keys would mean at the top level. Problems are keyed
 * `profiles.<name>.<section>.<key>`.
 */
export function buildProfiles(
  profiles: Readonly<
    Record<string, Obj & { backend: string; labels?: string[] | undefined; states: string[] }>
  >,
  raw: Obj,
  kinds: ConfigKinds,
  ctx: SettingsContext,
  errors: WorkflowError[],
  secrets: string[],
): AgentProfile[] {
  const out: AgentProfile[] = [];
  for (const [name, profile] of Object.entries(profiles)) {
    const kind = kinds.backends.get(profile.backend);
    if (kind === undefined) continue; // the schema already refused unknown backends
    const prefix = `profiles.${name}`;
    for (const key of Object.keys(profile)) {
      if (!OWN_KEYS.has(key) && key !== kind.section) {
        errors.push(
          configError(
            `${prefix}.${key}`,
            `is not a profile key; use backend, labels, states or ${kind.section}`,
          ),
        );
      }
    }
    const merged = { ...obj(raw[kind.section]), ...obj(profile[kind.section]) };
    const parsed = kind.schema.safeParse(merged);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const key = [prefix, kind.section, ...issue.path.map(String)].join(".");
        const got = issue.path.reduce<unknown>((v, k) => obj(v)[String(k)], merged);
        const message = issue.message.startsWith("must") ? issue.message : `is invalid: ${issue.message}`;
        errors.push(configError(key, `${message}, got ${showValue(got, key)}`));
      }
      continue;
    }
    const resolved = kind.resolve(parsed.data, ctx, true);
    secrets.push(...resolved.secrets);
    for (const p of resolved.problems) {
      const error = configError(`${prefix}.${p.key}`, p.message);
      errors.push(p.severity === "warning" ? { ...error, severity: "warning" } : error);
    }
    out.push({
      name,
      backend: profile.backend,
      section: kind.section,
      ...profileSelectors(name, profile.labels, profile.states),
      settings: resolved.settings,
    });
  }
  return out;
}
