import type { BackendKind } from "../kind.js";
import { lazyBackend } from "../kind.js";
import { type AcpConfig, acpCommandProblems, acpSchema, resolveAcpSection } from "./settings.js";

declare module "../../config/types.js" {
  interface BackendSections {
    /** `acp:` — any Agent Client Protocol agent. */
    readonly acp: AcpConfig;
  }
}

/** `agent.backend: acp` — one ACP agent process per attempt (Gemini CLI, Claude Code's adapter, …). */
export const acpKind: BackendKind<AcpConfig> = {
  name: "acp",
  section: "acp",
  schema: acpSchema,
  resolve: (parsed, _ctx, selected) => resolveAcpSection(parsed, selected),
  check: (config) => acpCommandProblems(config.acp),
  envPassthrough: (config) => config.acp.envPassthrough,
  commandLine: (config) => ({ key: "acp.command", line: config.acp.command ?? "" }),
  create: (config, deps) =>
    lazyBackend("acp", async () => (await import("./backend.js")).createAcpBackend(config.acp, deps)),
  async doctor(config, tools, deep) {
    const resolves = await tools.programResolves("acp.command", config.acp.command ?? "");
    if (!deep || resolves.status !== "ok") return [resolves];
    return [resolves, await tools.startSession()];
  },
};
