import type { HooksConfig, ServiceConfig } from "../../config/types.js";
import { buildChildEnv } from "../../hosts/child-env.js";
import { createLocalHost } from "../../hosts/local.js";
import { type CheckResult, result } from "./check.js";

const HOOKS: ReadonlyArray<readonly [keyof HooksConfig, string]> = [
  ["afterCreate", "after_create"],
  ["beforeRun", "before_run"],
  ["afterRun", "after_run"],
  ["beforeRemove", "before_remove"],
];

/** Each configured hook parses with `bash -n` (syntax only; nothing in it runs). */
export async function checkHooks(
  config: ServiceConfig,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
): Promise<readonly CheckResult[]> {
  const out: CheckResult[] = [];
  const host = createLocalHost();
  for (const [field, key] of HOOKS) {
    const script = config.hooks[field];
    if (typeof script !== "string") continue;
    // the script reaches bash -n on stdin-free argv: a here-doc with a quoted delimiter keeps it literal
    const delimiter = `SYMPHONY_DOCTOR_${process.pid}_EOF`;
    const ran = await host.runScript(`bash -n <<'${delimiter}'\n${script}\n${delimiter}\n`, {
      cwd: config.workflowDir,
      timeoutMs: 10_000,
      env: buildChildEnv({ parent: env }),
      signal,
    });
    out.push(
      ran.exitCode === 0
        ? result(`hook ${key}`, "ok", "parses with bash -n")
        : result(
            `hook ${key}`,
            "fail",
            `bash -n: ${ran.output.trim().split("\n").slice(0, 3).join(" | ") || `exit ${String(ran.exitCode)}`}`,
            `fix the shell syntax of hooks.${key}`,
          ),
    );
  }
  if (out.length === 0) out.push(result("hooks", "ok", "no hooks configured"));
  return out;
}
