import type { HookName, WorkspaceError } from "../domain/errors.js";
import type { Logger } from "../domain/logger.js";
import { err, ok, type Result } from "../domain/result.js";
import type { Host } from "../hosts/host.js";
import type { Clock } from "../util/clock.js";

/** Hook output kept in memory and shown in logs (bytes). */
export const HOOK_OUTPUT_CAP = 64 * 1024;
/** Hook output excerpt length in log lines. */
const LOG_EXCERPT = 2048;

/** How one hook run ended, as reported to observers. */
export interface HookReport {
  readonly hook: HookName;
  readonly ok: boolean;
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly durationMs: number;
  /** Captured output (stdout and stderr), cut to a log excerpt; null when there was none. */
  readonly output: string | null;
}

/** Everything needed to run one hook script in a workspace. */
export interface HookRun {
  readonly host: Host;
  readonly hook: HookName;
  readonly script: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly onFinished?: (report: HookReport) => void;
}

/** Cuts text to a log-friendly excerpt. */
export function excerpt(text: string, max = LOG_EXCERPT): string {
  return text.length <= max ? text : `${text.slice(0, max)}... (truncated)`;
}

/**
 * Runs one hook through the host (bash, own process group, killed on timeout/abort).
 * A non-zero exit, timeout or abort is a typed `WorkspaceError`; callers decide whether it is fatal.
 */
export async function runHook(run: HookRun): Promise<Result<void, WorkspaceError>> {
  const started = run.clock.now();
  run.logger.info("hook started", { hook: run.hook, cwd: run.cwd });
  let exitCode: number | null = null;
  let timedOut = false;
  let output = "";
  let failure: WorkspaceError | null = null;
  try {
    const result = await run.host.runScript(run.script, {
      cwd: run.cwd,
      timeoutMs: run.timeoutMs,
      env: run.env,
      signal: run.signal,
      maxOutputBytes: HOOK_OUTPUT_CAP,
    });
    exitCode = result.exitCode;
    timedOut = result.timedOut;
    output = result.output;
    if (result.timedOut) {
      failure = { kind: "hook_timeout", hook: run.hook, timeoutMs: run.timeoutMs, output: excerpt(output) };
    } else if (result.aborted || result.exitCode !== 0) {
      failure = { kind: "hook_failed", hook: run.hook, exitCode: result.exitCode, output: excerpt(output) };
    }
  } catch (cause) {
    failure = {
      kind: "hook_failed",
      hook: run.hook,
      exitCode: null,
      output: cause instanceof Error ? cause.message : String(cause),
    };
  }
  const durationMs = run.clock.now() - started;
  if (failure === null) {
    run.logger.info("hook completed", { hook: run.hook, duration_ms: durationMs });
  } else if (failure.kind === "hook_timeout") {
    run.logger.warn("hook timed out", { hook: run.hook, timeout_ms: run.timeoutMs, output: excerpt(output) });
  } else {
    run.logger.warn("hook failed", {
      hook: run.hook,
      exit_code: exitCode,
      aborted: run.signal.aborted,
      output: failure.kind === "hook_failed" ? failure.output : null,
    });
  }
  try {
    run.onFinished?.({
      hook: run.hook,
      ok: failure === null,
      exitCode,
      timedOut,
      durationMs,
      output: output === "" ? null : excerpt(output),
    });
  } catch {
    // observers cannot hurt the core
  }
  return failure === null ? ok(undefined) : err(failure);
}
