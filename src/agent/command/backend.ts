import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import type { ServiceConfig } from "../../config/types.js";
import type { AgentEvent } from "../../domain/agent-event.js";
import type { AgentError } from "../../domain/errors.js";
import { messageOf } from "../../domain/errors.js";
import { err, ok, type Result } from "../../domain/result.js";
import type { HostProcess } from "../../hosts/host.js";
import { type FramedLine, LineSplitter } from "../../util/line-splitter.js";
import type {
  AgentBackend,
  AgentSession,
  BackendFactory,
  StartSessionOptions,
  TurnInput,
} from "../backend.js";
import { turnStopError, turnStopEvent } from "../backend.js";

/** A stdout line starting with this marks the turn as waiting for a person; the rest is the question. */
export const INPUT_REQUIRED_MARKER = "SYMPHONY_INPUT_REQUIRED:";
/** A stdout line starting with this is a tracker tool call: `SYMPHONY_TOOL: {"name": …, "arguments": {…}}`. */
export const TOOL_CALL_MARKER = "SYMPHONY_TOOL:";
/** Longest output line forwarded as an event (characters). */
const MAX_LINE = 4096;
/** Longest line held while framing (a tool call line may be long); beyond it the line is `malformed`. */
const MAX_FRAMED_LINE_BYTES = 1024 * 1024;
/** Grace between SIGTERM and SIGKILL when a turn is stopped. */
const KILL_GRACE_MS = 2000;

/** Settings the command backend reads from one config snapshot. */
interface CommandSettings {
  readonly run: string | null;
}

function forwardLines(
  stream: Readable,
  name: "stdout" | "stderr",
  emit: (event: AgentEvent) => void,
  onQuestion: (q: string) => void,
  onTool: (json: string) => void,
): Promise<void> {
  // bounded framing: an endless line is discarded as it streams in and reported once
  const splitter = new LineSplitter(MAX_FRAMED_LINE_BYTES);
  const handle = (item: FramedLine): void => {
    if (item.type === "overflow") {
      emit({
        type: "malformed",
        line: item.head,
        reason: `${name} line of ${item.bytes} bytes exceeds ${MAX_FRAMED_LINE_BYTES}`,
        at: Date.now(),
      });
      return;
    }
    const raw = item.text;
    if (name === "stdout" && raw.startsWith(TOOL_CALL_MARKER)) {
      onTool(raw.slice(TOOL_CALL_MARKER.length));
      return;
    }
    const line = raw.length > MAX_LINE ? `${raw.slice(0, MAX_LINE)}…` : raw;
    if (name === "stdout" && line.startsWith(INPUT_REQUIRED_MARKER)) {
      const question = line.slice(INPUT_REQUIRED_MARKER.length).trim();
      onQuestion(question);
      emit({ type: "input_required", kind: "user_input", question, at: Date.now() });
      return;
    }
    emit({ type: "output", stream: name, line, at: Date.now() });
  };
  stream.on("data", (chunk: Buffer) => {
    for (const item of splitter.push(chunk)) handle(item);
  });
  return new Promise((resolve) => {
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      for (const item of splitter.end()) handle(item);
      resolve();
    };
    stream.once("end", finish);
    stream.once("close", finish);
  });
}

class CommandSession implements AgentSession {
  readonly #options: StartSessionOptions;
  readonly #settings: CommandSettings;
  readonly #threadId = `cmd-${randomUUID().slice(0, 8)}`;
  #current: HostProcess | null = null;
  #stopped = false;

  constructor(options: StartSessionOptions, settings: CommandSettings) {
    this.#options = options;
    this.#settings = settings;
  }

  async runTurn(prompt: string, input: TurnInput): Promise<Result<void, AgentError>> {
    const { host, workspacePath, env, onEvent, signal, logger } = this.#options;
    const emit = (event: AgentEvent): void => {
      try {
        onEvent(event);
      } catch {
        // observers cannot hurt the backend
      }
    };
    if (this.#stopped || signal.aborted)
      return err({ category: "turn_cancelled", message: "session stopped" });
    if (input.signal.aborted) return err(turnStopError(input.signal));
    const remote = !host.closableStdin;
    let proc: HostProcess;
    try {
      proc = host.spawn(
        remote ? promptFedCommand(this.#settings.run ?? "", prompt) : (this.#settings.run ?? ""),
        {
          cwd: workspacePath,
          env: { ...env, SYMPHONY_TURN: String(input.turn), SYMPHONY_MAX_TURNS: String(input.maxTurns) },
        },
      );
    } catch (cause) {
      emit({ type: "startup_failed", message: messageOf(cause), at: Date.now() });
      return err({ category: "startup_failed", message: messageOf(cause), cause });
    }
    this.#current = proc;
    const turnId = String(input.turn);
    emit({
      type: "session_started",
      sessionId: `${this.#threadId}-${turnId}`,
      threadId: this.#threadId,
      turnId,
      pid: proc.pid === undefined ? null : String(proc.pid),
      at: Date.now(),
    });
    let question: string | null = null;
    // the turn signal carries the run's cancellation and the runner's turn timeout; the session signal
    // is listened to as well so a session used on its own still stops with its run
    const turnSignal = AbortSignal.any([signal, input.signal]);
    let stopped: AgentError | null = null;
    const onAbort = (): void => {
      stopped ??= turnStopError(turnSignal);
      void proc.kill(KILL_GRACE_MS);
    };
    turnSignal.addEventListener("abort", onAbort, { once: true });
    proc.stdin.on("error", () => {}); // the command may exit without reading its prompt
    // over ssh, closing stdin means "stop the command", so there the prompt ends by its length instead
    if (remote) proc.stdin.write(prompt);
    else proc.stdin.end(prompt);
    const toolCalls: Promise<void>[] = [];
    const onTool = (json: string): void => {
      toolCalls.push(this.#callTool(json, input, emit));
    };
    const outputs = Promise.all([
      forwardLines(
        proc.stdout,
        "stdout",
        emit,
        (q) => {
          question = q;
        },
        onTool,
      ),
      forwardLines(
        proc.stderr,
        "stderr",
        emit,
        () => {},
        () => {},
      ),
    ]);
    const exited = await proc.exited;
    turnSignal.removeEventListener("abort", onAbort);
    await Promise.race([outputs, new Promise((r) => setTimeout(r, 1000))]);
    await Promise.all(toolCalls);
    this.#current = null;
    logger.debug("command turn exited", { turn: input.turn, code: exited.code, signal: exited.signal });
    const failed = (category: AgentError["category"], message: string): Result<void, AgentError> => {
      emit({ type: "turn_failed", turn: input.turn, reason: category, message, at: Date.now() });
      return err({ category, message });
    };
    if (stopped === null && this.#stopped && exited.code !== 0) {
      stopped = { category: "turn_cancelled", message: "turn cancelled (session stopped)" };
    }
    // a command that exited 0 on its own before the stop reached it finished its turn (it may have moved
    // its issue, which is why the stop came); the runner decides what the stop means for the run
    const finishedFirst = exited.code === 0 && exited.signal === null;
    if (stopped !== null && !finishedFirst) {
      emit({ ...turnStopEvent(input.turn, stopped), at: Date.now() });
      return err(stopped);
    }
    if (question !== null) {
      return err({ category: "input_required", message: "the command asked for input", question });
    }
    if (exited.code === 127) {
      // bash's "command not found"; name the command line the operator wrote
      const run = JSON.stringify(this.#settings.run ?? "");
      return failed("agent_not_found", `command.run ${run} exited 127 (a program it runs was not found)`);
    }
    if (exited.code !== 0) {
      return failed("process_exit", `command exited with ${exited.code ?? `signal ${exited.signal ?? "?"}`}`);
    }
    emit({ type: "turn_completed", turn: input.turn, message: "command exited 0", at: Date.now() });
    return ok(undefined);
  }

  /** Runs one tool call line through the session's tool binding and reports it as a `tool_call` event. */
  async #callTool(json: string, input: TurnInput, emit: (event: AgentEvent) => void): Promise<void> {
    let name = "?";
    try {
      const parsed = JSON.parse(json) as { name?: unknown; arguments?: unknown };
      if (typeof parsed.name !== "string") throw new Error("tool call needs a string `name`");
      name = parsed.name;
      const result = await this.#options.tools.execute(name, parsed.arguments ?? {}, {
        issue: input.issue,
        signal: this.#options.signal,
      });
      emit({
        type: "tool_call",
        tool: name,
        ok: result.success,
        summary: JSON.stringify(result.output),
        at: Date.now(),
      });
    } catch (cause) {
      emit({ type: "tool_call", tool: name, ok: false, summary: messageOf(cause), at: Date.now() });
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    const proc = this.#current;
    if (proc !== null) await proc.kill(KILL_GRACE_MS);
  }
}

/**
 * On an SSH host the spawned command's stdin stays open (closing it stops the remote group), so the
 * command reads its prompt through `head -c <bytes>`, which gives it end-of-file after the prompt.
 */
export function promptFedCommand(run: string, prompt: string): string {
  return `head -c ${Buffer.byteLength(prompt, "utf8")} | {\n${run}\n}`;
}

/**
 * The command backend: each turn runs `command.run` through the host (bash, own process group)
 * with the prompt on stdin and cwd = workspace; output lines become events; exit 0 = turn done.
 */
export function commandBackend(settings: CommandSettings): AgentBackend {
  return {
    name: "command",
    async startSession(options) {
      if (settings.run === null || settings.run.trim() === "") {
        return err({ category: "agent_not_found", message: "command.run is not set" });
      }
      return ok(new CommandSession(options, settings));
    },
  };
}

/** Builds the command backend from a config snapshot (`command.run`; the runner owns the turn timeout). */
export const createCommandBackend: BackendFactory = (config: ServiceConfig) =>
  commandBackend({ run: config.command.run });
