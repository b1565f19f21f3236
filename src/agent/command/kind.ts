import type { BackendKind } from "../kind.js";
import { lazyBackend } from "../kind.js";
import { type CommandBackendConfig, commandSchema, resolveCommandSection } from "./settings.js";

declare module "../../config/types.js" {
  interface BackendSections {
    /** `command:` — the command backend. */
    readonly command: CommandBackendConfig;
  }
}

/** `agent.backend: command` — any shell command per turn, prompt on stdin. */
export const commandKind: BackendKind<CommandBackendConfig> = {
  name: "command",
  section: "command",
  schema: commandSchema,
  resolve: (parsed, _ctx, selected) => resolveCommandSection(parsed, selected),
  check: () => [],
  envPassthrough: (config) => config.command.envPassthrough,
  commandLine: (config) => ({ key: "command.run", line: config.command.run ?? "" }),
  create: (config, deps) =>
    lazyBackend("command", async () => (await import("./backend.js")).createCommandBackend(config, deps)),
  async doctor(config, tools, deep) {
    const resolves = await tools.programResolves("command.run", config.command.run ?? "");
    if (!deep || resolves.status !== "ok") return [resolves];
    return [resolves, await tools.startSession()];
  },
};
