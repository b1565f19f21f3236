import {
  type AgentBackend,
  type AgentSession,
  type StartSessionOptions,
  type TurnInput,
  turnStopError,
} from "../../../src/agent/backend.js";
import type { AgentError } from "../../../src/domain/errors.js";
import { err, ok, type Result } from "../../../src/domain/result.js";

/** What a scripted turn does: resolve a result, or wait for the turn signal ("hang"). */
export type TurnScript = (
  prompt: string,
  input: TurnInput,
  options: StartSessionOptions,
) => Promise<Result<void, AgentError>> | "hang";

/** An in-process AgentBackend for runner unit tests; records sessions, prompts and stops. */
export class ScriptedBackend implements AgentBackend {
  readonly name = "scripted";
  readonly sessions: { options: StartSessionOptions; prompts: string[]; stopped: boolean }[] = [];
  startError: AgentError | null = null;

  constructor(private readonly script: TurnScript) {}

  async startSession(options: StartSessionOptions): Promise<Result<AgentSession, AgentError>> {
    if (this.startError !== null) return err(this.startError);
    const record = { options, prompts: [] as string[], stopped: false };
    this.sessions.push(record);
    const script = this.script;
    return ok({
      async runTurn(prompt, input) {
        record.prompts.push(prompt);
        options.onEvent({
          type: "session_started",
          sessionId: `s-${input.turn}`,
          threadId: "s",
          turnId: String(input.turn),
          pid: null,
          at: 0,
        });
        const outcome = script(prompt, input, options);
        if (outcome === "hang") {
          // like a real backend: the turn signal (run cancellation or the runner's turn timeout) ends it
          return new Promise((resolve) => {
            const end = (): void => resolve(err(turnStopError(input.signal)));
            if (input.signal.aborted) end();
            else input.signal.addEventListener("abort", end, { once: true });
          });
        }
        return outcome;
      },
      async stop() {
        record.stopped = true;
      },
    });
  }
}

/** A turn that succeeds. */
export const succeed: TurnScript = async () => ok(undefined);
