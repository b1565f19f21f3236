import { jsonSchema, type ToolSet, tool } from "ai";
import { z } from "zod";
import { messageOf } from "../../../domain/errors.js";
import type { Issue } from "../../../domain/issue.js";
import type { Logger } from "../../../domain/logger.js";
import type { Host } from "../../../hosts/host.js";
import type { ToolBinding } from "../../../tracker/adapter.js";
import type { BuiltinBackendConfig } from "../settings.js";
import { editFileTool, listDirTool, readFileTool, writeFileTool } from "./file-tools.js";
import { failure, firstLine, type ToolOutcome } from "./outcome.js";
import { runCommandTool } from "./run-command.js";
import { globTool, grepTool } from "./search-tools.js";

/** Names of the workspace tools the built-in agent always knows. */
export const BUILTIN_TOOL_NAMES = [
  "read_file",
  "write_file",
  "edit_file",
  "list_dir",
  "glob",
  "grep",
  "run_command",
] as const;

/** What the tool set needs from the session. */
export interface ToolsetContext {
  /** Real path of the workspace (symlinks resolved). */
  readonly root: string;
  readonly host: Host;
  readonly env: Readonly<Record<string, string>>;
  readonly config: BuiltinBackendConfig;
  readonly issue: Issue;
  readonly tracker: ToolBinding;
  /** The session's signal; aborting it kills running commands and stops tracker calls. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** Called once per finished tool call. */
  readonly onToolCall: (tool: string, outcome: ToolOutcome) => void;
}

const pathField = z
  .string()
  .min(1)
  .describe("Path relative to the workspace root (absolute paths must be inside it)");

/** Builds the AI SDK tool set: workspace tools plus the tracker's tools, filtered by `builtin.tools`. */
export function buildToolSet(context: ToolsetContext): ToolSet {
  const { root } = context;
  const run = (name: string, fn: () => Promise<ToolOutcome>) => execute(context, name, fn);
  const all: ToolSet = {
    read_file: tool({
      description:
        "Read a UTF-8 text file in the workspace. Optional 1-based inclusive start_line/end_line; long files are cut, and the reply says how to read on.",
      inputSchema: z.object({
        path: pathField,
        start_line: z.number().int().min(1).optional(),
        end_line: z.number().int().min(1).optional(),
      }),
      execute: (input) => run("read_file", () => readFileTool(root, input)),
    }),
    write_file: tool({
      description:
        "Create or overwrite a file in the workspace with the given content (parent directories are created).",
      inputSchema: z.object({ path: pathField, content: z.string() }),
      execute: (input) => run("write_file", () => writeFileTool(root, input)),
    }),
    edit_file: tool({
      description:
        "Replace an exact string in a workspace file. old_string must match exactly once (whitespace included) unless replace_all is true.",
      inputSchema: z.object({
        path: pathField,
        old_string: z.string(),
        new_string: z.string(),
        replace_all: z.boolean().optional(),
      }),
      execute: (input) => run("edit_file", () => editFileTool(root, input)),
    }),
    list_dir: tool({
      description: "List a directory in the workspace (default: the workspace root). Directories end with /.",
      inputSchema: z.object({ path: z.string().optional() }),
      execute: (input) => run("list_dir", () => listDirTool(root, input)),
    }),
    glob: tool({
      description:
        "Find files by glob pattern relative to path (default: workspace root), e.g. **/*.ts or src/{a,b}/*.md. Skips .git and node_modules.",
      inputSchema: z.object({ pattern: z.string().min(1), path: z.string().optional() }),
      execute: (input) => run("glob", () => globTool(root, input)),
    }),
    grep: tool({
      description:
        "Search text files for a regular expression (RE2 syntax: no backreferences or lookaround); returns file:line: text. Optional path, include glob and ignore_case.",
      inputSchema: z.object({
        pattern: z.string().min(1),
        path: z.string().optional(),
        include: z.string().optional(),
        ignore_case: z.boolean().optional(),
      }),
      execute: (input) => run("grep", () => grepTool(root, input)),
    }),
    run_command: tool({
      description:
        "Run a shell command with bash in the workspace. Returns the exit status and combined output (capped). Commands are killed at the timeout.",
      inputSchema: z.object({
        command: z.string().min(1),
        timeout_ms: z.number().int().positive().optional(),
      }),
      execute: (input, options) =>
        run("run_command", () =>
          runCommandTool(
            {
              host: context.host,
              workspacePath: root,
              env: context.env,
              timeoutMs: context.config.commandTimeoutMs,
              policy: { allowed: context.config.allowedCommands, denied: context.config.deniedCommands },
              signal: options.abortSignal ?? context.signal,
            },
            input,
          ),
        ),
    }),
  };
  for (const spec of context.tracker.specs) {
    if (spec.name in all) {
      context.logger.warn("builtin tracker tool shadowed", { tool: spec.name });
      continue;
    }
    all[spec.name] = tool({
      description: spec.description,
      inputSchema: jsonSchema(spec.inputSchema as Parameters<typeof jsonSchema>[0]),
      execute: (args, options) =>
        run(spec.name, async () => {
          const signal = options.abortSignal ?? context.signal;
          const result = await context.tracker.execute(spec.name, args, { issue: context.issue, signal });
          const output = typeof result.output === "string" ? result.output : JSON.stringify(result.output);
          const summary = `${spec.name} ${firstLine(JSON.stringify(args) ?? "", 80)}`;
          return result.success
            ? { ok: true, output, summary }
            : { ok: false, output, summary: `${summary} (failed)` };
        }),
    });
  }
  const allow = context.config.tools;
  if (allow === null) return all;
  const filtered: ToolSet = {};
  for (const name of allow) {
    const found = all[name];
    if (found !== undefined) filtered[name] = found;
  }
  return filtered;
}

async function execute(
  context: ToolsetContext,
  name: string,
  fn: () => Promise<ToolOutcome>,
): Promise<string> {
  let outcome: ToolOutcome;
  try {
    outcome = await fn();
  } catch (cause) {
    // a bug in a tool still goes back to the model as a result: tools never end the session
    context.logger.warn("builtin tool threw", { tool: name, error: messageOf(cause) });
    outcome = failure(name, messageOf(cause));
  }
  context.onToolCall(name, outcome);
  return outcome.output;
}
