import { messageOf } from "../../../domain/errors.js";
import type { Host } from "../../../hosts/host.js";
import { type CommandPolicy, checkCommand, describeCommandRefusal } from "./command-policy.js";
import { failure, firstLine, success, type ToolOutcome } from "./outcome.js";

/** Output of a command beyond this many bytes is dropped (the model is told). */
export const MAX_COMMAND_OUTPUT_BYTES = 64 * 1024;

/** Input of `run_command`. */
export interface RunCommandInput {
  readonly command: string;
  /** Lower than the configured limit only; the configured `command_timeout_ms` is the ceiling. */
  readonly timeout_ms?: number | undefined;
}

/** Where and how `run_command` runs. */
export interface RunCommandContext {
  readonly host: Host;
  readonly workspacePath: string;
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly policy: CommandPolicy;
  readonly signal: AbortSignal;
}

/** Runs `<command>` with bash in the workspace through the Host: timeout, group kill, capped output. */
export async function runCommandTool(
  context: RunCommandContext,
  input: RunCommandInput,
): Promise<ToolOutcome> {
  const label = `run_command ${JSON.stringify(firstLine(input.command, 80))}`;
  const refusal = checkCommand(input.command, context.policy);
  if (refusal !== null) return failure(label, describeCommandRefusal(refusal));
  const timeoutMs =
    input.timeout_ms !== undefined && input.timeout_ms > 0
      ? Math.min(input.timeout_ms, context.timeoutMs)
      : context.timeoutMs;
  try {
    const result = await context.host.runScript(input.command, {
      cwd: context.workspacePath,
      env: context.env,
      timeoutMs,
      signal: context.signal,
      maxOutputBytes: MAX_COMMAND_OUTPUT_BYTES,
    });
    const status = result.timedOut
      ? `timed out after ${timeoutMs} ms (process group killed)`
      : result.aborted
        ? "cancelled"
        : result.exitCode !== null
          ? `exit code ${result.exitCode}`
          : `killed by ${result.signal ?? "signal"}`;
    const note = result.truncated ? `\n[output truncated at ${MAX_COMMAND_OUTPUT_BYTES} bytes]` : "";
    const output = `${status}\n${result.output}${note}`;
    const ok = result.exitCode === 0 && !result.timedOut && !result.aborted;
    return ok ? success(`${label} → exit 0`, output) : { ok: false, output, summary: `${label} → ${status}` };
  } catch (cause) {
    return failure(label, messageOf(cause));
  }
}
