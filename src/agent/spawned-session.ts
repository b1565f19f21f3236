import { type AgentError, messageOf } from "../domain/errors.js";
import { err, ok, type Result } from "../domain/result.js";
import type { HostProcess } from "../hosts/host.js";
import type { AgentSession, StartSessionOptions } from "./backend.js";

/** How one backend starts a session over a process it spawns in the workspace. */
export interface SpawnedSessionSteps<S extends AgentSession> {
  /** The command line spawned on the host, in the workspace. */
  readonly command: string;
  /** Releases what was prepared for the session (an isolated config dir, …) when the spawn fails. */
  readonly cleanup: () => Promise<void>;
  readonly build: (proc: HostProcess) => S;
  /** The protocol's opening exchange; ok means the session is ready for turns. */
  readonly handshake: (session: S) => Promise<Result<void, AgentError>>;
  /** Turns a failed handshake's error into the one reported (and emits `startup_failed`). */
  readonly failed: (session: S, error: AgentError) => Promise<AgentError>;
}

/**
 * Spawns the agent, wires the run's cancellation to `stop`, and runs the handshake. A spawn that
 * throws is `startup_failed`, a cancel during the handshake `turn_cancelled`; every failure stops the
 * session, so no process is left behind.
 */
export async function startSpawnedSession<S extends AgentSession>(
  opts: StartSessionOptions,
  steps: SpawnedSessionSteps<S>,
): Promise<Result<S, AgentError>> {
  let proc: HostProcess;
  try {
    proc = opts.host.spawn(steps.command, { cwd: opts.workspacePath, env: opts.env });
  } catch (cause) {
    await steps.cleanup();
    return err({ category: "startup_failed", message: messageOf(cause), cause });
  }
  const session = steps.build(proc);
  const onAbort = (): void => void session.stop();
  opts.signal.addEventListener("abort", onAbort, { once: true });
  if (opts.signal.aborted) onAbort();
  const ready = await steps.handshake(session);
  if (opts.signal.aborted) {
    await session.stop();
    return err({ category: "turn_cancelled", message: "cancelled during startup" });
  }
  if (!ready.ok) {
    const error = await steps.failed(session, ready.error);
    await session.stop();
    return err(error);
  }
  return ok(session);
}
