import { type ConfigProblem, problem } from "../../domain/config-problem.js";
import { result } from "../../domain/doctor-finding.js";
import type { BackendKind } from "../kind.js";
import { lazyBackend } from "../kind.js";
import { type BuiltinBackendConfig, builtinSchema, resolveBuiltinSection } from "./settings.js";
import { validateBuiltinConfig } from "./validate.js";

declare module "../../config/types.js" {
  interface BackendSections {
    /** `builtin:` — the built-in LLM-agnostic agent. */
    readonly builtin: BuiltinBackendConfig;
  }
}

/** `agent.backend: builtin` — the in-process tool-calling agent on the AI SDK (loaded only when used). */
export const builtinKind: BackendKind<BuiltinBackendConfig> = {
  name: "builtin",
  section: "builtin",
  schema: builtinSchema,
  resolve: (parsed, ctx, selected) => resolveBuiltinSection(parsed, ctx, selected),
  check(config) {
    const problems: ConfigProblem[] = validateBuiltinConfig(config.builtin);
    // its file tools run in the orchestrator process, so it cannot work in a workspace on an SSH worker
    if (config.worker.sshHosts.length > 0) {
      problems.push(
        problem(
          "worker.ssh_hosts",
          "empty",
          "must be empty when agent.backend is builtin (its file tools run in-process, on this machine)",
        ),
      );
    }
    return problems;
  },
  envPassthrough: () => [],
  create: (config, deps) =>
    lazyBackend("builtin", async () => (await import("./backend.js")).createBuiltinBackend(config, deps)),
  async doctor(config, _tools, deep, signal) {
    const valid = result("agent", "ok", `builtin ${config.builtin.provider} settings are valid`);
    if (!deep) return [valid];
    const { askModel } = await import("./doctor-probe.js");
    return [valid, await askModel(config.builtin, signal)];
  },
};
