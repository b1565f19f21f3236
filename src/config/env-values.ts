import { homedir } from "node:os";
import { isAbsolute, resolve } from "node:path";

const VAR_REFERENCE = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/;

/** The variable name when `value` is exactly a `$VAR` (or `${VAR}`) reference, else null. */
export function varReferenceName(value: string): string | null {
  const match = VAR_REFERENCE.exec(value.trim());
  if (match === null) return null;
  return match[1] ?? match[2] ?? null;
}

/** How a possibly `$VAR`-indirect value resolved. */
export type ResolvedValue =
  | { readonly kind: "literal"; readonly value: string }
  | { readonly kind: "env"; readonly name: string; readonly value: string }
  | { readonly kind: "env_unset"; readonly name: string }
  | { readonly kind: "env_empty"; readonly name: string };

/** Resolves `$VAR` indirection; an empty (or blank) variable counts as missing (`env_empty`). */
export function resolveVarValue(value: string, env: NodeJS.ProcessEnv): ResolvedValue {
  const name = varReferenceName(value);
  if (name === null) return { kind: "literal", value };
  const found = env[name];
  if (found === undefined) return { kind: "env_unset", name };
  if (found.trim() === "") return { kind: "env_empty", name };
  return { kind: "env", name, value: found };
}

/** Expands a leading `~` (alone or `~/…`) to the home directory taken from `env.HOME` or the OS. */
export function expandHome(path: string, env: NodeJS.ProcessEnv): string {
  if (path !== "~" && !path.startsWith("~/")) return path;
  const home = env.HOME !== undefined && env.HOME !== "" ? env.HOME : homedir();
  return path === "~" ? home : `${home}${path.slice(1)}`;
}

/** Turns a configured path into an absolute one: `~` expanded, relative paths against `baseDir`. */
export function resolveConfigPath(path: string, baseDir: string, env: NodeJS.ProcessEnv): string {
  const expanded = expandHome(path.trim(), env);
  return isAbsolute(expanded) ? resolve(expanded) : resolve(baseDir, expanded);
}

/** A secret given literally or via `$VAR` (recorded in `secrets`); an unset/empty variable or blank → null. */
export function resolveOptionalSecret(
  value: string | null,
  env: NodeJS.ProcessEnv,
  secrets: string[],
): string | null {
  if (value === null) return null;
  const resolved = resolveVarValue(value, env);
  if (resolved.kind === "env_unset" || resolved.kind === "env_empty") return null;
  if (resolved.value.trim() === "") return null;
  secrets.push(resolved.value);
  return resolved.value;
}
