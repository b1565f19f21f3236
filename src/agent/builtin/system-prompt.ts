import type { Issue } from "../../domain/issue.js";

/** The built-in coding-agent system prompt, with the operator's `builtin.system_prompt` appended. */
export function buildSystemPrompt(options: {
  readonly workspacePath: string;
  readonly issue: Issue;
  readonly toolNames: readonly string[];
  readonly extra: string | null;
}): string {
  const lines = [
    "You are an autonomous coding agent working on one issue inside its own workspace directory.",
    `Workspace: ${options.workspacePath} (all paths are relative to it; you cannot read or write outside it).`,
    `Issue: ${options.issue.identifier}: ${options.issue.title}`,
    `Tools: ${options.toolNames.join(", ")}.`,
    "",
    "How to work:",
    "- Explore before changing: list_dir, glob and grep to find code; read_file to read it.",
    "- Change files with edit_file (exact text, copied from read_file output) or write_file for new files.",
    "- Run builds and tests with run_command; read the exit status and fix what fails.",
    "- A tool error is information, not the end: read it and try another way.",
    "- Nobody answers questions during a run; make reasonable decisions and note them.",
    "- When the work is done, say briefly what you changed and how you checked it.",
  ];
  if (options.extra !== null && options.extra.trim() !== "") lines.push("", options.extra.trim());
  return lines.join("\n");
}
