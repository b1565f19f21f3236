import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { expandHome } from "../config/env-values.js";
import { messageOf } from "../domain/errors.js";
import type { LogFormat } from "../observability/log/index.js";
import { resolveWorkflowPath } from "../workflow/workflow-path.js";
import { registerDoctorCommand } from "./doctor/register.js";
import type { CliIo } from "./io.js";
import { registerIssueCommands } from "./issue-register.js";
import { registerReplayCommand } from "./replay/register.js";
import { registerRescueCommands } from "./rescue-register.js";
import type { RunDeps } from "./run-command.js";
import { registerStoreCommands } from "./store-register.js";

/** The package version, read from package.json (two levels up from both `src/cli` and `dist/cli`). */
export function packageVersion(): string {
  const text = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
  return (JSON.parse(text) as { version: string }).version;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidArgumentError(`must be an integer from 0 to 65535, got ${JSON.stringify(value)}`);
  }
  return port;
}

function parseLogsRoot(value: string): string {
  if (value.trim() === "") throw new InvalidArgumentError("must not be blank");
  return value.trim();
}

interface RunFlags {
  tui: boolean;
  port?: number;
  logsRoot?: string;
  dataDir?: string;
  logFormat: LogFormat;
  debug?: boolean;
}

function withRunOptions(command: Command): Command {
  return command
    .argument("[path]", "path to WORKFLOW.md (default ./WORKFLOW.md)")
    .option("--port <n>", "serve the HTTP API and dashboard on this port (overrides server.port)", parsePort)
    .option("--logs-root <dir>", "also write a size-rotated symphony.log in this directory", parseLogsRoot)
    .option(
      "--data-dir <dir>",
      "directory of the embedded store (default ~/.local/share/symphony)",
      parseLogsRoot,
    )
    .addOption(
      new Option("--log-format <format>", "log line format").choices(["text", "json"]).default("text"),
    )
    .option("--no-tui", "no terminal dashboard (drawn only when stdout is a terminal and CI is unset)");
}

/** `--debug` is accepted after any subcommand too (positional options would otherwise reject it there). */
function acceptDebugEverywhere(command: Command): void {
  for (const sub of command.commands) {
    if (!sub.options.some((option) => option.long === "--debug")) {
      sub.option("--debug", "show stack traces and debug logs");
    }
    acceptDebugEverywhere(sub);
  }
}

function buildProgram(io: CliIo, deps: RunDeps, setCode: (code: Promise<number> | number) => void): Command {
  const program = new Command("symphony")
    .description("Polls an issue tracker and runs a coding agent per issue in an isolated workspace.")
    .version(packageVersion(), "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .option("--debug", "show stack traces and debug logs")
    // options after a subcommand belong to it: `symphony run X --port N` must not hand --port to the root
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError("(run with --help for usage)");

  const runAction = (path: string | undefined, flags: RunFlags, command: Command) => {
    // `--debug` is a program-level flag; read it from the root whichever form was used.
    const debug = flags.debug === true || command.optsWithGlobals().debug === true;
    setCode(
      // each command's module is imported when it runs, so `--version`/`validate` load no service code
      import("./run-command.js").then(({ runCommand }) =>
        runCommand(
          {
            workflowPath: resolveWorkflowPath(path, io.cwd),
            ...(flags.port !== undefined ? { port: flags.port } : {}),
            ...(flags.logsRoot !== undefined
              ? { logsRoot: resolve(io.cwd, expandHome(flags.logsRoot, io.env)) }
              : {}),
            ...(flags.dataDir !== undefined
              ? { dataDir: resolve(io.cwd, expandHome(flags.dataDir, io.env)) }
              : {}),
            logFormat: flags.logFormat,
            debug,
            tui: flags.tui,
          },
          io,
          deps,
        ),
      ),
    );
  };
  withRunOptions(program).action(runAction);
  withRunOptions(
    program.command("run").description("run the service (the same as `symphony [path]`)"),
  ).action(runAction);

  program
    .command("validate")
    .description("load and validate a workflow and render its prompt for a sample issue")
    .argument("[path]", "path to WORKFLOW.md (default ./WORKFLOW.md)")
    .action((path: string | undefined) =>
      setCode(
        import("./validate-command.js").then(({ validateCommand }) =>
          validateCommand(resolveWorkflowPath(path, io.cwd), io),
        ),
      ),
    );

  program
    .command("init")
    .description("write a commented starter WORKFLOW.md (never overwrites)")
    .argument("[path]", "where to write it (default ./WORKFLOW.md)")
    .action((path: string | undefined) =>
      setCode(
        import("./init-command.js").then(({ initCommand }) =>
          initCommand(resolveWorkflowPath(path, io.cwd), io),
        ),
      ),
    );

  program
    .command("schema")
    .description("print the JSON Schema of the WORKFLOW.md front matter")
    .action(() => setCode(import("./schema-command.js").then(({ schemaCommand }) => schemaCommand(io))));

  registerIssueCommands(program, io, setCode);
  registerDoctorCommand(program, io, setCode);
  registerReplayCommand(program, io, setCode);
  registerRescueCommands(program, io, setCode);
  registerStoreCommands(program, io, setCode);
  acceptDebugEverywhere(program);

  return program;
}

/** Runs the CLI with `argv` (without `node` and the script); resolves to the process exit code. */
export async function runCli(argv: readonly string[], io: CliIo, deps: RunDeps = {}): Promise<number> {
  const debug = argv.includes("--debug");
  let code: Promise<number> | number = 0;
  try {
    const program = buildProgram(io, deps, (c) => {
      code = c;
    });
    await program.parseAsync([...argv], { from: "user" });
    return await code;
  } catch (cause) {
    if (cause instanceof CommanderError) return cause.exitCode === 0 ? 0 : 2;
    // A bug, not bad input: one line unless --debug asks for the stack.
    io.stderr.write(`symphony: internal error: ${messageOf(cause)}\n`);
    if (debug && cause instanceof Error && cause.stack !== undefined) io.stderr.write(`${cause.stack}\n`);
    return 70;
  }
}
