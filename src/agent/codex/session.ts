import type { AgentEvent } from "../../domain/agent-event.js";
import type { AgentError } from "../../domain/errors.js";
import { messageOf } from "../../domain/errors.js";
import type { Logger } from "../../domain/logger.js";
import { err, ok, type Result } from "../../domain/result.js";
import type { HostProcess } from "../../hosts/host.js";
import type { Clock } from "../../util/clock.js";
import { type AgentSession, type StartSessionOptions, type TurnInput, turnStopError } from "../backend.js";
import { watchStderr, within } from "../child-io.js";
import { rateLimitsOf, summarise, tokenTotals } from "./event-map.js";
import type {
  AskForApproval,
  InitializeParams,
  RequestId,
  ThreadStartParams,
  TurnStartParams,
} from "./protocol.js";
import { RpcConnection } from "./rpc-connection.js";
import { decideServerRequest } from "./server-requests.js";
import { runDynamicTool } from "./tool-call.js";
import { failedTurnCategory, failedTurnMessage, rpcError } from "./turn-outcome.js";
import { type TurnEnd, TurnTracker } from "./turn-tracker.js";

type Obj = Readonly<Record<string, unknown>>;

/** Settings a session needs beyond {@link StartSessionOptions}, resolved once by the backend. */
export interface SessionSettings {
  readonly policy: AskForApproval;
  readonly autoApprove: boolean;
  readonly threadSandbox: string;
  readonly turnSandboxPolicy: Readonly<Record<string, unknown>>;
  readonly readTimeoutMs: number;
  readonly maxLineBytes: number;
  readonly killGraceMs: number;
  readonly clock: Clock;
  /** Called once after the process is gone (removes an isolated CODEX_HOME). */
  readonly cleanup: () => Promise<void>;
}

/** Client identity sent in `initialize` (becomes codex's `originator` header). */
export const CLIENT_INFO = { name: "symphony", title: "Symphony", version: "0.1.0" } as const;

/**
 * One codex app-server process and its thread: `initialize` → `initialized` → `thread/start`, then
 * `turn/start` per turn on the same thread. It never sends a turn while one is running (codex would merge it).
 */
export class CodexSession implements AgentSession {
  readonly #opts: StartSessionOptions;
  readonly #s: SessionSettings;
  readonly #proc: HostProcess;
  readonly #rpc: RpcConnection;
  readonly #log: Logger;
  readonly #turns: TurnTracker;
  #threadId = "";
  #resumed = false;
  /** The model codex reported for the thread (prices token usage). */
  #model: string | null = null;
  #stopping: Promise<void> | null = null;
  #highWater = -1;
  #lastDeltaAt = Number.NEGATIVE_INFINITY;

  private constructor(opts: StartSessionOptions, settings: SessionSettings, proc: HostProcess) {
    this.#opts = opts;
    this.#s = settings;
    this.#proc = proc;
    this.#log = opts.logger.child({ backend: "codex", pid: proc.pid ?? null });
    this.#turns = new TurnTracker();
    this.#rpc = new RpcConnection(proc, {
      maxLineBytes: settings.maxLineBytes,
      clock: settings.clock,
      handlers: {
        onNotification: (method, params) => this.#onNotification(method, params),
        onRequest: (id, method, params) => this.#onRequest(id, method, params),
        onMalformed: (line, reason) => {
          this.#log.warn("codex protocol line malformed", { reason });
          this.#emit({ type: "malformed", line: line.slice(0, 1_000), reason });
        },
        onClosed: () => this.#turns.fail({ category: "process_exit", message: "codex app-server exited" }),
      },
    });
    watchStderr(proc, this.#log, (line) => this.#emit({ type: "output", stream: "stderr", line }));
    void proc.exited.then(({ code, signal }) => {
      this.#turns.fail({
        category: "process_exit",
        message: `codex app-server exited (code ${code ?? "none"}, signal ${signal ?? "none"})`,
      });
    });
  }

  /** Spawns codex in the workspace and completes the handshake; the thread is ready for turns. */
  static async start(opts: StartSessionOptions, settings: SessionSettings, command: string) {
    let proc: HostProcess;
    try {
      proc = opts.host.spawn(command, { cwd: opts.workspacePath, env: opts.env });
    } catch (cause) {
      await settings.cleanup();
      return err<AgentError>({ category: "startup_failed", message: messageOf(cause), cause });
    }
    const session = new CodexSession(opts, settings, proc);
    // an abort during the handshake stops the process at once; pending requests then resolve as closed
    const onAbort = (): void => void session.stop();
    opts.signal.addEventListener("abort", onAbort, { once: true });
    if (opts.signal.aborted) onAbort();
    const started = await session.#handshake();
    if (!started.ok) {
      if (opts.signal.aborted) {
        await session.stop();
        return err<AgentError>({ category: "turn_cancelled", message: "cancelled during startup" });
      }
      // name the command line the operator wrote, so the log says what to fix
      const error =
        started.error.category === "agent_not_found"
          ? {
              ...started.error,
              message: `codex.command ${JSON.stringify(command)}: program not found (exit 127)`,
            }
          : started.error;
      session.#emit({ type: "startup_failed", message: error.message });
      await session.stop();
      return err(error);
    }
    if (opts.signal.aborted) {
      await session.stop();
      return err<AgentError>({ category: "turn_cancelled", message: "cancelled during startup" });
    }
    return ok<AgentSession>(session);
  }

  async #handshake(): Promise<Result<void, AgentError>> {
    const { readTimeoutMs } = this.#s;
    const initParams: InitializeParams = { clientInfo: CLIENT_INFO, capabilities: { experimentalApi: true } };
    const init = await this.#rpc.request("initialize", initParams, readTimeoutMs);
    if (!init.ok) return err(await this.#startupError(rpcError(init.error)));
    this.#rpc.notify("initialized");
    if (await this.#resume()) return ok(undefined);
    const threadParams: ThreadStartParams = {
      cwd: this.#opts.workspacePath,
      approvalPolicy: this.#s.policy,
      sandbox: this.#s.threadSandbox,
      dynamicTools: this.#opts.tools.specs.map((t) => ({
        type: "function",
        name: t.name,
        description: t.description,
        inputSchema: t.inputSchema,
      })),
    };
    const thread = await this.#rpc.request("thread/start", threadParams, readTimeoutMs);
    if (!thread.ok) return err(await this.#startupError(rpcError(thread.error)));
    const id = (thread.value as { thread?: { id?: unknown } } | null)?.thread?.id;
    if (typeof id !== "string" || id === "") {
      return err({ category: "startup_failed", message: "thread/start returned no thread.id" });
    }
    this.#threadId = id;
    const model = (thread.value as { model?: unknown } | null)?.model;
    this.#model = typeof model === "string" && model !== "" ? model : null;
    // the session title; codex keeps working if it refuses it
    const { identifier, title } = this.#opts.issue;
    const named = await this.#rpc.request(
      "thread/name/set",
      { threadId: id, name: `${identifier}: ${title}` },
      readTimeoutMs,
    );
    if (!named.ok) this.#log.warn("codex thread name not set", { reason: rpcError(named.error).message });
    this.#log.info("codex thread started", { thread_id: id });
    return ok(undefined);
  }

  /** True when the session continues an earlier thread (`thread/resume`). */
  get resumed(): boolean {
    return this.#resumed;
  }

  /** Rejoins the thread named by `resumeThreadId`; false (a new thread follows) when there is none or codex refuses. */
  async #resume(): Promise<boolean> {
    const threadId = this.#opts.resumeThreadId;
    if (threadId === undefined || threadId === null || threadId === "") return false;
    const params = {
      threadId,
      cwd: this.#opts.workspacePath,
      approvalPolicy: this.#s.policy,
      sandbox: this.#s.threadSandbox,
    };
    const resumed = await this.#rpc.request("thread/resume", params, this.#s.readTimeoutMs);
    const id = resumed.ok ? (resumed.value as { thread?: { id?: unknown } } | null)?.thread?.id : undefined;
    if (typeof id !== "string" || id === "") {
      const reason = resumed.ok ? "no thread.id in the reply" : rpcError(resumed.error).message;
      this.#log.warn("codex thread not resumed; starting a new one", { thread_id: threadId, reason });
      return false;
    }
    this.#threadId = id;
    this.#resumed = true;
    const model = resumed.ok ? (resumed.value as { model?: unknown } | null)?.model : undefined;
    this.#model = typeof model === "string" && model !== "" ? model : null;
    this.#log.info("codex thread resumed", { thread_id: id });
    return true;
  }

  /** bash exits 127 when codex.command is not found; that is `agent_not_found`, not a protocol error. */
  async #startupError(error: AgentError): Promise<AgentError> {
    if (error.category !== "process_exit") {
      return { ...error, category: error.category === "response_error" ? "startup_failed" : error.category };
    }
    const exit = await within(this.#proc.exited, 1_000);
    if (exit !== null && exit.code === 127) {
      return { category: "agent_not_found", message: "codex.command not found (exit 127)" };
    }
    return { category: "startup_failed", message: `${error.message} (exit ${exit?.code ?? "unknown"})` };
  }

  /** Runs one turn on the thread until `turn/completed` (or exit, block, or the turn signal: timeout/cancel). */
  async runTurn(prompt: string, input: TurnInput): Promise<Result<void, AgentError>> {
    if (this.#turns.active) throw new Error("runTurn called while a turn is running");
    if (this.#opts.signal.aborted || this.#stopping !== null) {
      return err({ category: "turn_cancelled", message: "session is stopping" });
    }
    if (input.signal.aborted) return err(turnStopError(input.signal));
    if (this.#rpc.closed)
      return err({ category: "process_exit", message: "codex app-server is not running" });
    const ending = this.#turns.begin(input.turn);
    const onStop = (): void => this.#turns.stop(turnStopError(input.signal));
    input.signal.addEventListener("abort", onStop, { once: true });
    try {
      return await this.#runStartedTurn(prompt, ending);
    } finally {
      input.signal.removeEventListener("abort", onStop);
    }
  }

  async #runStartedTurn(prompt: string, ending: Promise<TurnEnd>): Promise<Result<void, AgentError>> {
    const params: TurnStartParams = {
      threadId: this.#threadId,
      input: [{ type: "text", text: prompt, text_elements: [] }],
      cwd: this.#opts.workspacePath,
      approvalPolicy: this.#s.policy,
      sandboxPolicy: this.#s.turnSandboxPolicy,
    };
    const started = await this.#rpc.request("turn/start", params, this.#s.readTimeoutMs);
    let knownTurnId: string | null = null;
    if (!started.ok) {
      this.#turns.fail(rpcError(started.error));
    } else {
      const turnId = (started.value as { turn?: { id?: unknown } } | null)?.turn?.id;
      if (typeof turnId !== "string") {
        this.#turns.fail({ category: "response_error", message: "turn/start returned no turn.id" });
      } else {
        knownTurnId = turnId;
        this.#turns.setTurnId(turnId);
        this.#emit({
          type: "session_started",
          sessionId: `${this.#threadId}-${turnId}`,
          threadId: this.#threadId,
          turnId,
          pid: this.#proc.pid === undefined ? null : String(this.#proc.pid),
          model: this.#model,
        });
      }
    }
    const outcome = await ending;
    // a block can be decided before the turn/start response is seen, so fall back to the id we got
    if (outcome.interruptNeeded) await this.#interrupt(outcome.turnId ?? knownTurnId);
    this.#emit(outcome.event);
    return outcome.result;
  }

  async #interrupt(turnId: string | null): Promise<void> {
    if (turnId === null || this.#rpc.closed) return;
    const done = await this.#rpc.request(
      "turn/interrupt",
      { threadId: this.#threadId, turnId },
      this.#s.readTimeoutMs,
    );
    if (!done.ok)
      this.#log.debug("codex turn/interrupt not acknowledged", { reason: rpcError(done.error).message });
  }

  #onNotification(method: string, params: unknown): void {
    const p = (params ?? {}) as Obj;
    if (STREAMING_DELTAS.has(method)) {
      // token-by-token deltas: at most one event per second keeps dashboards and stall detection fed
      // without turning every streamed word into an orchestrator message
      const now = this.#s.clock.now();
      if (now - this.#lastDeltaAt < DELTA_EVENT_INTERVAL_MS) return;
      this.#lastDeltaAt = now;
    }
    switch (method) {
      case "turn/completed": {
        const turn = (p.turn ?? {}) as Obj;
        const status = typeof turn.status === "string" ? turn.status : "completed";
        const turnId = typeof turn.id === "string" ? turn.id : null;
        if (status === "failed") {
          this.#turns.complete(turnId, {
            status: "failed",
            category: failedTurnCategory(turn.error),
            message: failedTurnMessage(turn.error),
          });
        } else {
          this.#turns.complete(turnId, {
            status: status === "interrupted" ? "interrupted" : "completed",
            message: lastAgentText(turn),
          });
        }
        break;
      }
      case "thread/tokenUsage/updated": {
        const totals = tokenTotals(params);
        // totals are thread-cumulative; emit only growth so a repeat is not mistaken for new usage
        if (totals !== null && totals.totalTokens > this.#highWater) {
          this.#highWater = totals.totalTokens;
          this.#emit({ type: "token_usage", totals });
        }
        return;
      }
      case "account/rateLimits/updated": {
        const limits = rateLimitsOf(params);
        if (limits !== null) this.#emit({ type: "rate_limits", rateLimits: limits });
        return;
      }
      default:
        break;
    }
    this.#emit({ type: "notification", method, summary: summarise(method, params) });
  }

  #onRequest(id: RequestId, method: string, params: unknown): void {
    const decision = decideServerRequest(method, params, this.#s.autoApprove);
    switch (decision.type) {
      case "approve":
        this.#rpc.respond(id, decision.result);
        this.#emit({ type: "approval_auto_approved", kind: decision.kind, summary: decision.summary });
        return;
      case "block":
        // answered (a refusal) so codex is never left waiting, then the turn is ended as blocked
        this.#rpc.respond(id, decision.result);
        this.#log.info("codex attempt blocked on operator", { kind: decision.kind });
        this.#emit({ type: "input_required", kind: decision.kind, question: decision.question });
        this.#turns.block(decision.kind, decision.question);
        return;
      case "tool":
        void runDynamicTool(decision.tool, decision.arguments, this.#opts).then(({ response, event }) => {
          this.#rpc.respond(id, response);
          this.#emit(event);
        });
        return;
      case "error":
        this.#log.warn("codex server request not supported", { method });
        this.#rpc.respondError(id, decision.code, decision.message);
        this.#emit({
          type: "notification",
          method,
          summary: `unsupported request ${method} answered with an error`,
        });
        return;
      default: {
        const _exhaustive: never = decision;
        throw new Error(`unhandled ${JSON.stringify(_exhaustive)}`);
      }
    }
  }

  #emit(event: DistributiveOmit<AgentEvent, "at">): void {
    try {
      this.#opts.onEvent({ ...event, at: this.#s.clock.now() } as AgentEvent);
    } catch (cause) {
      this.#log.warn("agent event observer threw", { reason: messageOf(cause) });
    }
  }

  /** Interrupts a running turn, closes stdin, kills the process group, removes an isolated home. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      const turnId = this.#turns.cancel("session stopped");
      await this.#interrupt(turnId);
      this.#rpc.endInput();
      const exited = await within(this.#proc.exited, this.#s.killGraceMs);
      if (exited === null) await this.#proc.kill(this.#s.killGraceMs);
      else await this.#proc.kill(0); // codex left; make sure nothing it started is still in its group
      await this.#s.cleanup();
    })();
    return this.#stopping;
  }
}

/** Streaming delta notifications, surfaced as events at most once per {@link DELTA_EVENT_INTERVAL_MS}. */
const STREAMING_DELTAS = new Set([
  "item/agentMessage/delta",
  "item/commandExecution/outputDelta",
  "item/fileChange/outputDelta",
  "item/reasoning/summaryTextDelta",
  "item/reasoning/textDelta",
  "item/plan/delta",
  "command/exec/outputDelta",
]);
const DELTA_EVENT_INTERVAL_MS = 1_000;

/** `Omit` that keeps a union discriminated. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function lastAgentText(turn: Obj): string {
  const items = Array.isArray(turn.items) ? (turn.items as Obj[]) : [];
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (item?.type === "agentMessage" && typeof item.text === "string") return item.text;
  }
  return "";
}
