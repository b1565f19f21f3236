import { type Command, InvalidArgumentError } from "commander";
import type { CliIo } from "./io.js";
import type { AddFlags } from "./issue-command.js";

function parsePriority(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n))
    throw new InvalidArgumentError(`must be an integer, got ${JSON.stringify(value)}`);
  return n;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const WORKFLOW_FLAG = [
  "-w, --workflow <path>",
  "WORKFLOW.md of the project (default ./WORKFLOW.md)",
] as const;

/** Registers `symphony issue list|add|move|comment` (local tracker) on the program; each loads its code when it runs. */
export function registerIssueCommands(
  program: Command,
  io: CliIo,
  setCode: (code: Promise<number> | number) => void,
): void {
  const issue = program.command("issue").description("list and edit issues of the local Markdown tracker");
  const commands = () => import("./issue-command.js");

  issue
    .command("list")
    .description("list issues")
    .option(...WORKFLOW_FLAG)
    .option("-s, --state <state>", "only issues in this state")
    .action((flags: { workflow?: string; state?: string }) =>
      setCode(commands().then((m) => m.issueListCommand(flags, io))),
    );

  issue
    .command("add")
    .description("create an issue file")
    .argument("<title>", "issue title")
    .option(...WORKFLOW_FLAG)
    .option("--id <identifier>", "identifier (default: next number after the existing ones)")
    .option("--prefix <prefix>", "identifier prefix when --id is not given")
    .option("--state <state>", "initial state", "Todo")
    .option("--priority <n>", "priority (1 = most urgent)", parsePriority)
    .option("--label <label>", "a label (repeatable)", collect, [])
    .option("--blocked-by <identifier>", "a blocking issue (repeatable)", collect, [])
    .option("-d, --description <text>", "description (the file body)")
    .option("--force", "accept a state or blocker the workflow does not know")
    .action((title: string, flags: AddFlags) =>
      setCode(commands().then((m) => m.issueAddCommand(title, flags, io))),
    );

  issue
    .command("move")
    .description("change an issue's state")
    .argument("<identifier>")
    .argument("<state>")
    .option(...WORKFLOW_FLAG)
    .option("--force", "accept a state that is neither active nor terminal")
    .action((identifier: string, state: string, flags: { workflow?: string; force?: boolean }) =>
      setCode(commands().then((m) => m.issueMoveCommand(identifier, state, flags, io))),
    );

  issue
    .command("comment")
    .description("append a comment to an issue")
    .argument("<identifier>")
    .argument("<text>")
    .option(...WORKFLOW_FLAG)
    .action((identifier: string, text: string, flags: { workflow?: string }) =>
      setCode(commands().then((m) => m.issueCommentCommand(identifier, text, flags, io))),
    );
}
