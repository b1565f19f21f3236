import { randomUUID } from "node:crypto";
import type { AgentEvent } from "../../domain/agent-event.js";
import type { AgentError } from "../../domain/errors.js";
import { messageOf } from "../../domain/errors.js";
import type { Logger } from "../../domain/logger.js";
import { err, ok, type Result } from "../../domain/result.js";
import type { HostProcess } from "../../hosts/host.js";
import type { Clock } from "../../util/clock.js";
import { LineSplitter } from "../../util/line-splitter.js";
import { oneLine } from "../../util/one-line.js";
import { type AgentSession, type StartSessionOptions, type TurnInput, turnStopError } from "../backend.js";
import { watchStderr, within } from "../child-io.js";
import { reportedToolName } from "../mcp/tool-names.js";
import { startSpawnedSession } from "../spawned-session.js";
import { type TurnEnd, TurnState } from "../turn-state.js";
import { tokenTotals, toolSummary, turnFailure } from "./event-map.js";
import { decidePermission } from "./permission.js";
import {
  type AssistantBlock,
  type ControlRequest,
  controlErrorLine,
  controlRequestLine,
  parseStreamLine,
  permissionAnswerLine,
  type StreamMessage,
  type TurnResult,
  userMessageLine,
} from "./protocol.js";

type Obj = Readonly<Record<string, unknown>>;

/** How often an interrupt is repeated while the CLI has not ended the turn. */
const INTERRUPT_REPEAT_MS = 500;

/** Settings a session needs beyond {@link StartSessionOptions}, resolved once by the backend. */
export interface ClaudeSessionSettings {
  /** The full shell command line (see `claudeCommandLine`). */
  readonly commandLine: string;
  /** `permission_mode: bypassPermissions`: the only posture under which a permission prompt is allowed. */
  readonly autoApprove: boolean;
  readonly readTimeoutMs: number;
  readonly maxLineBytes: number;
  readonly killGraceMs: number;
  readonly clock: Clock;
  /** Called once after the process is gone (tool server, isolated config dir). */
  readonly cleanup: () => Promise<void>;
}

type Emitted = AgentEvent extends infer E ? (E extends unknown ? Omit<E, "at"> : never) : never;

/**
 * One Claude Code process per attempt in stream-json mode: `initialize` on the control channel makes the
 * session ready; each turn is one user message on stdin and ends at its `result` line. The process keeps
 * the conversation, so continuation turns resume the same Claude session id.
 */
export class ClaudeSession implements AgentSession {
  readonly #opts: StartSessionOptions;
  readonly #s: ClaudeSessionSettings;
  readonly #proc: HostProcess;
  readonly #log: Logger;
  readonly #tools = new Map<string, { name: string; input: Obj }>();
  readonly #pending = new Map<string, (r: Result<void, AgentError>) => void>();
  #turn: TurnState | null = null;
  /** Set while waiting for the result line of a turn we already ended (stop/timeout). */
  #onStaleResult: (() => void) | null = null;
  #sessionId = "";
  #model: string | null = null;
  #highWater = -1;
  #closed = false;
  #stopping: Promise<void> | null = null;

  private constructor(opts: StartSessionOptions, settings: ClaudeSessionSettings, proc: HostProcess) {
    this.#opts = opts;
    this.#s = settings;
    this.#proc = proc;
    this.#log = opts.logger.child({ backend: "claude", pid: proc.pid ?? null });
    const splitter = new LineSplitter(settings.maxLineBytes);
    proc.stdin.on("error", () => {}); // a write after the CLI died must not crash the service
    proc.stdout.on("data", (chunk: Buffer) => {
      for (const item of splitter.push(chunk)) {
        if (item.type === "overflow") {
          this.#emit({
            type: "malformed",
            line: item.head,
            reason: `line of ${item.bytes} bytes exceeds cap`,
          });
        } else if (item.text.trim() !== "") {
          this.#onLine(item.text);
        }
      }
    });
    watchStderr(
      proc,
      this.#log,
      (line) => this.#emit({ type: "output", stream: "stderr", line }),
      "claude stderr",
    );
    void proc.exited.then(({ code, signal }) => {
      this.#closed = true;
      const error: AgentError = {
        category: "process_exit",
        message: `claude exited (code ${code ?? "none"}, signal ${signal ?? "none"})`,
      };
      for (const resolve of this.#pending.values()) resolve(err(error));
      this.#pending.clear();
      this.#turn?.fail(error);
    });
  }

  /** Spawns claude in the workspace and waits for its answer to `initialize`: the session is then ready. */
  static async start(
    opts: StartSessionOptions,
    settings: ClaudeSessionSettings,
  ): Promise<Result<AgentSession, AgentError>> {
    const started = await startSpawnedSession(opts, {
      command: settings.commandLine,
      cleanup: settings.cleanup,
      build: (proc) => new ClaudeSession(opts, settings, proc),
      handshake: (session) => session.#control("initialize", settings.readTimeoutMs),
      failed: async (session, failure) => {
        const error = await session.#startupError(failure);
        session.#emit({ type: "startup_failed", message: error.message });
        return error;
      },
    });
    if (started.ok) started.value.#log.info("claude session ready");
    return started;
  }

  /** `bash -lc` exits 127 when claude.command is not found: that is `agent_not_found`. */
  async #startupError(error: AgentError): Promise<AgentError> {
    if (error.category !== "process_exit") return { ...error, category: "startup_failed" };
    const exit = await within(this.#proc.exited, 1_000);
    if (exit?.code === 127) {
      return { category: "agent_not_found", message: "claude.command: program not found (exit 127)" };
    }
    return { category: "startup_failed", message: `${error.message} before answering initialize` };
  }

  /** Sends a control request and waits for its answer (bounded by `timeoutMs` on the injected clock). */
  #control(subtype: "initialize" | "interrupt", timeoutMs: number): Promise<Result<void, AgentError>> {
    if (this.#closed) {
      return Promise.resolve(err({ category: "process_exit", message: "claude is not running" }));
    }
    const id = `symphony-${randomUUID()}`;
    return new Promise((resolve) => {
      const timer = this.#s.clock.setTimer(timeoutMs, () => {
        this.#pending.delete(id);
        resolve(
          err({
            category: "response_timeout",
            message: `claude did not answer ${subtype} in ${timeoutMs}ms`,
          }),
        );
      });
      this.#pending.set(id, (r) => {
        this.#s.clock.clearTimer(timer);
        resolve(r);
      });
      this.#proc.stdin.write(controlRequestLine(id, subtype));
    });
  }

  /** Runs one turn: the prompt as a user message, until its `result` line (or exit, block, or the turn signal). */
  async runTurn(prompt: string, input: TurnInput): Promise<Result<void, AgentError>> {
    if (this.#turn !== null) throw new Error("runTurn called while a turn is running");
    if (this.#opts.signal.aborted || this.#stopping !== null) {
      return err({ category: "turn_cancelled", message: "session is stopping" });
    }
    if (input.signal.aborted) return err(turnStopError(input.signal));
    if (this.#closed) return err({ category: "process_exit", message: "claude is not running" });
    const turn = new TurnState(input.turn);
    this.#turn = turn;
    const onStop = (): void => turn.stop(turnStopError(input.signal));
    input.signal.addEventListener("abort", onStop, { once: true });
    this.#proc.stdin.write(userMessageLine(prompt));
    let end: TurnEnd;
    try {
      end = await turn.ended;
    } finally {
      input.signal.removeEventListener("abort", onStop);
      this.#turn = null;
    }
    if (end.interruptNeeded) await this.#interrupt();
    this.#emit(end.event);
    return end.result;
  }

  /**
   * The CLI still runs a turn we ended: interrupt it and wait for the result line it then writes, so the
   * next turn reads its own. An interrupt that lands before the model call starts is a no-op, so it is
   * repeated; a CLI that never ends the turn is killed (its session is no longer usable).
   */
  async #interrupt(): Promise<void> {
    const finished = new Promise<boolean>((resolve) => {
      this.#onStaleResult = () => resolve(true);
      void this.#proc.exited.then(() => resolve(false));
    });
    // process lifecycle is OS time (like the kill grace), so the budget counts real waits
    let attempts = Math.max(1, Math.ceil(this.#s.readTimeoutMs / INTERRUPT_REPEAT_MS));
    let done = false;
    while (!done && !this.#closed && attempts-- > 0) {
      void this.#control("interrupt", this.#s.readTimeoutMs);
      done = (await within(finished, INTERRUPT_REPEAT_MS)) !== null;
    }
    this.#onStaleResult = null;
    if (!done && !this.#closed) {
      this.#log.warn("claude did not end an interrupted turn; stopping the process");
      await this.stop();
    }
  }

  #onLine(line: string): void {
    const message = parseStreamLine(line);
    if (message === null) {
      this.#emit({ type: "malformed", line: line.slice(0, 1_000), reason: "not a stream-json object" });
      return;
    }
    this.#onMessage(message);
  }

  #onMessage(m: StreamMessage): void {
    switch (m.type) {
      case "init":
        this.#sessionId = m.sessionId;
        this.#model = m.model ?? this.#model;
        if (this.#turn !== null && !this.#turn.announced) {
          this.#turn.announced = true;
          const turnId = String(this.#turn.number);
          this.#emit({
            type: "session_started",
            sessionId: `${m.sessionId}-${turnId}`,
            threadId: m.sessionId,
            turnId,
            pid: this.#proc.pid === undefined ? null : String(this.#proc.pid),
            model: this.#model,
          });
        }
        return;
      case "assistant":
        this.#onAssistant(m.blocks);
        return;
      case "tool_results":
        for (const r of m.results) {
          const call = this.#tools.get(r.toolUseId);
          this.#tools.delete(r.toolUseId);
          const name = call?.name ?? "?";
          this.#emit({
            type: "tool_call",
            tool: reportedToolName(name),
            ok: !r.isError,
            summary: r.isError
              ? oneLine(`${toolSummary(name, call?.input ?? {})} → ${r.text}`)
              : toolSummary(name, call?.input ?? {}),
          });
        }
        return;
      case "result":
        this.#onResult(m);
        return;
      case "api_retry":
        if (m.status === 429) {
          this.#emit({
            type: "rate_limits",
            rateLimits: { source: "claude", status: 429, attempt: m.attempt, retry_delay_ms: m.delayMs },
          });
        }
        this.#emit({
          type: "notification",
          method: "system/api_retry",
          summary: `model call failed (${m.status ?? m.error}); retry ${m.attempt}/${m.maxRetries} in ${m.delayMs}ms`,
        });
        return;
      case "rate_limit":
        this.#emit({ type: "rate_limits", rateLimits: { source: "claude", ...m.info } });
        return;
      case "control_request":
        this.#onControlRequest(m.requestId, m.request);
        return;
      case "control_response": {
        const resolve = this.#pending.get(m.requestId);
        this.#pending.delete(m.requestId);
        resolve?.(m.ok ? ok(undefined) : err({ category: "response_error", message: m.error }));
        return;
      }
      case "other":
        this.#emit({ type: "notification", method: m.kind, summary: m.kind });
        return;
      default: {
        const _exhaustive: never = m;
        throw new Error(`unhandled ${JSON.stringify(_exhaustive)}`);
      }
    }
  }

  #onAssistant(blocks: readonly AssistantBlock[]): void {
    for (const b of blocks) {
      switch (b.type) {
        case "text":
          if (this.#turn !== null) this.#turn.lastText = b.text;
          this.#emit({ type: "notification", method: "assistant/text", summary: oneLine(b.text) });
          break;
        case "thinking":
          this.#emit({
            type: "notification",
            method: "assistant/thinking",
            summary: oneLine(`thinking: ${b.text}`),
          });
          break;
        case "tool_use":
          this.#tools.set(b.id, { name: b.name, input: b.input });
          this.#emit({
            type: "notification",
            method: "assistant/tool_use",
            summary: `started ${toolSummary(b.name, b.input)}`,
          });
          break;
        default: {
          const _exhaustive: never = b;
          throw new Error(`unhandled ${JSON.stringify(_exhaustive)}`);
        }
      }
    }
  }

  #onResult(result: TurnResult): void {
    if (result.cumulative !== null) {
      const totals = tokenTotals(result.cumulative, result.totalCostUsd);
      // cumulative per session: emit only growth, so a repeat is never mistaken for new usage
      if (totals.totalTokens > this.#highWater) {
        this.#highWater = totals.totalTokens;
        this.#emit({ type: "token_usage", totals });
      }
    }
    const turn = this.#turn;
    if (turn === null) {
      this.#onStaleResult?.();
      return;
    }
    if (turn.finishBlocked()) return;
    const failure = turnFailure(result);
    if (failure !== null) {
      turn.fail(failure, false);
      return;
    }
    if (result.permissionDenials.length > 0) {
      // a tool was refused without asking us (e.g. dontAsk mode): the work needs a person's approval
      const what = result.permissionDenials.map((d) => toolSummary(d.toolName, d.input)).join("; ");
      turn.block("approval", oneLine(`approve ${what}`, 500));
      turn.finishBlocked();
      return;
    }
    turn.complete(result.text || turn.lastText);
  }

  #onControlRequest(requestId: string, request: ControlRequest): void {
    if (request.subtype !== "can_use_tool") {
      this.#proc.stdin.write(controlErrorLine(requestId, `symphony does not handle ${request.name}`));
      this.#emit({
        type: "notification",
        method: `control/${request.name}`,
        summary: `unsupported control request ${request.name}`,
      });
      return;
    }
    const decision = decidePermission(request.toolName, request.input, request.reason, this.#s.autoApprove);
    if (decision.type === "allow") {
      this.#proc.stdin.write(permissionAnswerLine(requestId, { allow: true, input: request.input }));
      this.#emit({ type: "approval_auto_approved", kind: "tool", summary: decision.summary });
      return;
    }
    // refused with interrupt: the CLI stops the turn and writes its result, which then ends ours as blocked
    this.#proc.stdin.write(
      permissionAnswerLine(requestId, { allow: false, message: "Symphony: this needs a person's approval" }),
    );
    this.#log.info("claude attempt blocked on operator", { kind: decision.kind });
    this.#emit({ type: "input_required", kind: decision.kind, question: decision.question });
    this.#turn?.block(decision.kind, decision.question);
  }

  #emit(event: Emitted): void {
    try {
      this.#opts.onEvent({ ...event, at: this.#s.clock.now() } as AgentEvent);
    } catch (cause) {
      this.#log.warn("agent event observer threw", { reason: messageOf(cause) });
    }
  }

  /** Cancels a running turn, closes stdin, kills the process group, cleans up. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#turn?.cancel("session stopped");
      this.#proc.stdin.end();
      const exited = await within(this.#proc.exited, this.#s.killGraceMs);
      if (exited === null) await this.#proc.kill(this.#s.killGraceMs);
      else await this.#proc.kill(0); // the CLI left; make sure nothing it started is still in its group
      await this.#s.cleanup();
    })();
    return this.#stopping;
  }
}
