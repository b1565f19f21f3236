import type { BackendKind } from "../kind.js";
import { lazyBackend } from "../kind.js";
import { validateCodexConfig } from "./approval-policy.js";
import { type CodexConfig, codexSchema, resolveCodexSection } from "./settings.js";

declare module "../../config/types.js" {
  interface BackendSections {
    /** `codex:` — the codex app-server backend. */
    readonly codex: CodexConfig;
  }
}

/** `agent.backend: codex` — a `codex app-server` child per attempt, spoken to over JSON-RPC. */
export const codexKind: BackendKind<CodexConfig> = {
  name: "codex",
  section: "codex",
  schema: codexSchema,
  resolve: (parsed) => resolveCodexSection(parsed),
  check: (config) => validateCodexConfig(config.codex),
  envPassthrough: (config) => config.codex.envPassthrough,
  commandLine: (config) => ({ key: "codex.command", line: config.codex.command }),
  create: (config, deps) =>
    lazyBackend("codex", async () => (await import("./backend.js")).createCodexBackend(config, deps)),
  async doctor(config, tools, deep) {
    const resolves = await tools.programResolves("codex.command", config.codex.command);
    if (!deep || resolves.status !== "ok") return [resolves];
    return [resolves, await tools.startSession()];
  },
};
