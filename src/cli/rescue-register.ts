import type { Command } from "commander";
import type { CliIo } from "./io.js";
import type { WhereFlags } from "./rescue-command.js";

/** Registers `symphony rescue list|restore`. */
export function registerRescueCommands(
  program: Command,
  io: CliIo,
  setCode: (code: Promise<number> | number) => void,
): void {
  const rescue = program
    .command("rescue")
    .description("list or restore work Symphony saved before removing a workspace");
  const where = (command: Command): Command =>
    command
      .option("--workflow <path>", "WORKFLOW.md whose workspace.rescue.dir to use (default ./WORKFLOW.md)")
      .option("--dir <dir>", "the rescue directory itself");
  where(rescue.command("list").description("saved workspaces, newest first"))
    .option("--issue <identifier>", "only this issue's")
    .option("--json", "machine-readable")
    .action((flags: WhereFlags & { issue?: string; json?: boolean }) =>
      setCode(import("./rescue-command.js").then((m) => m.rescueListCommand(flags, io))),
    );
  where(rescue.command("restore").description("restore a rescue into its workspace path (or --into DIR)"))
    .argument("<id>", "a rescue id from `symphony rescue list`")
    .option("--into <dir>", "a new directory to restore into")
    .action((id: string, flags: WhereFlags & { into?: string }) =>
      setCode(import("./rescue-command.js").then((m) => m.rescueRestoreCommand(id, flags, io))),
    );
}
