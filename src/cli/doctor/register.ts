import { resolve } from "node:path";
import { type Command, InvalidArgumentError } from "commander";
import { expandHome } from "../../config/env-values.js";
import { resolveWorkflowPath } from "../../workflow/workflow-path.js";
import type { CliIo } from "../io.js";

function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
      throw new InvalidArgumentError(
        `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`,
      );
    }
    return n;
  };
}

interface Flags {
  json?: boolean;
  deep?: boolean;
  logsRoot?: string;
  port?: number;
  timeout?: number;
}

/** Registers `symphony doctor [path]`. */
export function registerDoctorCommand(
  program: Command,
  io: CliIo,
  setCode: (code: Promise<number> | number) => void,
): void {
  program
    .command("doctor")
    .description(
      "check a deployment before running it: workflow, tracker, agent, directories, hooks, server, SSH",
    )
    .argument("[path]", "path to WORKFLOW.md (default ./WORKFLOW.md)")
    .option("--json", "print the results as JSON")
    .option("--deep", "also start a real agent session (or send one tiny model request)")
    .option("--logs-root <dir>", "also check this logs directory is writable")
    .option("--port <n>", "check this port instead of server.port", integer(0, 65_535))
    .option("--timeout <ms>", "deadline of each check (default 10000)", integer(1, 600_000))
    .action((path: string | undefined, local: Flags, command: Command) => {
      // `--logs-root`/`--port` also exist on the root command (for `symphony [path]`), which may claim them
      const flags = command.optsWithGlobals<Flags>();
      setCode(
        // the checks (and what they load) are imported only when doctor runs
        import("./command.js").then(({ doctorCommand }) =>
          doctorCommand(
            resolveWorkflowPath(path, io.cwd),
            {
              json: local.json === true,
              deep: flags.deep === true,
              ...(flags.logsRoot === undefined
                ? {}
                : { logsRoot: resolve(io.cwd, expandHome(flags.logsRoot.trim(), io.env)) }),
              ...(flags.port === undefined ? {} : { port: flags.port }),
              ...(flags.timeout === undefined ? {} : { timeoutMs: flags.timeout }),
            },
            io,
          ),
        ),
      );
    });
}
