import { type Command, InvalidArgumentError } from "commander";
import type { CliIo } from "./io.js";
import type { RunsFlags } from "./store-command.js";

type SetCode = (code: Promise<number> | number) => void;

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new InvalidArgumentError(`must be a positive integer, got ${value}`);
  return n;
}

/** Registers `symphony store migrate|status` and `symphony runs`. */
export function registerStoreCommands(program: Command, io: CliIo, setCode: SetCode): void {
  const store = program.command("store").description("the durable store: schema status and migrations");
  for (const [name, description] of [
    ["status", "print the store's location and schema version (exit 1 when newer than this symphony)"],
    ["migrate", "apply pending schema migrations (the service also does this at start)"],
  ] as const) {
    store
      .command(name)
      .description(description)
      .argument("[path]", "path to WORKFLOW.md (default ./WORKFLOW.md)")
      .option("--data-dir <dir>", "directory of the embedded store")
      .action((path: string | undefined, flags: { dataDir?: string }) =>
        setCode(import("./store-command.js").then((m) => m.storeCommand(name, path, flags.dataDir, io))),
      );
  }
  program
    .command("runs")
    .description("list recorded attempts (newest first) with outcome, tokens, cost and event records")
    .argument("[path]", "path to WORKFLOW.md (default ./WORKFLOW.md)")
    .option("--issue <id>", "only this issue (identifier or id)")
    .option("--since <when>", "only attempts started since (90m, 2h, 7d or an ISO date)")
    .option("--limit <n>", "at most this many (default 100)", positive)
    .option("--json", "print JSON")
    .option("--data-dir <dir>", "directory of the embedded store")
    .action((path: string | undefined, flags: RunsFlags) =>
      setCode(import("./store-command.js").then((m) => m.runsCommand(path, flags, io))),
    );
}
