import { Readable, Writable } from "node:stream";
import { type ClientConnection, client, type McpServer, ndJsonStream } from "@agentclientprotocol/sdk";
import type { AgentEvent } from "../../domain/agent-event.js";
import type { AgentError } from "../../domain/errors.js";
import { messageOf } from "../../domain/errors.js";
import type { Logger } from "../../domain/logger.js";
import { err, ok, type Result } from "../../domain/result.js";
import type { HostProcess } from "../../hosts/host.js";
import type { Clock } from "../../util/clock.js";
import { oneLine } from "../../util/one-line.js";
import { type AgentSession, type StartSessionOptions, type TurnInput, turnStopError } from "../backend.js";
import { watchStderr, within } from "../child-io.js";
import { startSpawnedSession } from "../spawned-session.js";
import { type TurnEnd, TurnState } from "../turn-state.js";
import { UpdateMapper } from "./updates.js";

type Obj = Readonly<Record<string, unknown>>;
type Emitted = AgentEvent extends infer E ? (E extends unknown ? Omit<E, "at"> : never) : never;

/** The ACP protocol version Symphony speaks. */
export const ACP_PROTOCOL_VERSION = 1;

/** Settings a session needs beyond {@link StartSessionOptions}, resolved once by the backend. */
export interface AcpSessionSettings {
  readonly command: string;
  readonly autoApprove: boolean;
  readonly readTimeoutMs: number;
  readonly killGraceMs: number;
  readonly clock: Clock;
  /** Symphony's tracker-tool server, offered in `session/new` when the agent takes HTTP MCP servers. */
  readonly toolServer: { readonly url: string; readonly token: string } | null;
  readonly cleanup: () => Promise<void>;
}

class Timeout extends Error {}

/**
 * One ACP agent process per attempt: `initialize`, `session/new` with the workspace as cwd, then one
 * `session/prompt` per turn on the same session. Permission requests follow the configured posture; a
 * stopped turn is ended with `session/cancel`.
 */
export class AcpSession implements AgentSession {
  readonly #opts: StartSessionOptions;
  readonly #s: AcpSessionSettings;
  readonly #proc: HostProcess;
  readonly #conn: ClientConnection;
  readonly #log: Logger;
  readonly #updates: UpdateMapper;
  #sessionId = "";
  #model: string | null = null;
  #turn: TurnState | null = null;
  #prompt: Promise<unknown> | null = null;
  #closed = false;
  #stopping: Promise<void> | null = null;

  private constructor(opts: StartSessionOptions, settings: AcpSessionSettings, proc: HostProcess) {
    this.#opts = opts;
    this.#s = settings;
    this.#proc = proc;
    this.#log = opts.logger.child({ backend: "acp", pid: proc.pid ?? null });
    this.#updates = new UpdateMapper((e) => this.#emit(e), settings.clock);
    proc.stdin.on("error", () => {});
    const app = client()
      .onNotification("session/update", (ctx) => {
        if (ctx.params.sessionId === this.#sessionId) this.#updates.onUpdate(ctx.params.update);
      })
      .onRequest("session/request_permission", (ctx) => this.#onPermission(ctx.params as unknown as Obj));
    this.#conn = app.connect(
      ndJsonStream(
        Writable.toWeb(proc.stdin) as WritableStream<Uint8Array>,
        Readable.toWeb(proc.stdout) as ReadableStream<Uint8Array>,
      ),
    );
    watchStderr(
      proc,
      this.#log,
      (line) => this.#emit({ type: "output", stream: "stderr", line }),
      "acp stderr",
    );
    void proc.exited.then(({ code, signal }) => {
      this.#closed = true;
      this.#conn.close();
      this.#turn?.fail({
        category: "process_exit",
        message: `acp agent exited (code ${code ?? "none"}, signal ${signal ?? "none"})`,
      });
    });
  }

  /** Spawns the agent in the workspace, initializes, and opens its session: ready for turns. */
  static async start(
    opts: StartSessionOptions,
    settings: AcpSessionSettings,
  ): Promise<Result<AgentSession, AgentError>> {
    const started = await startSpawnedSession(opts, {
      command: settings.command,
      cleanup: settings.cleanup,
      build: (proc) => new AcpSession(opts, settings, proc),
      handshake: (session) => session.#handshake(),
      failed: async (session, error) => {
        session.#emit({ type: "startup_failed", message: error.message });
        return error;
      },
    });
    if (started.ok) started.value.#log.info("acp session ready", { session_id: started.value.#sessionId });
    return started;
  }

  async #handshake(): Promise<Result<void, AgentError>> {
    try {
      const init = (await this.#bounded(
        this.#conn.agent.request("initialize", {
          protocolVersion: ACP_PROTOCOL_VERSION,
          clientCapabilities: {},
          clientInfo: { name: "symphony", title: "Symphony", version: "0.1.0" },
        }),
      )) as unknown as Obj;
      if (init.protocolVersion !== ACP_PROTOCOL_VERSION) {
        return err({
          category: "startup_failed",
          message: `acp agent speaks protocol ${JSON.stringify(init.protocolVersion)}, Symphony speaks ${ACP_PROTOCOL_VERSION}`,
        });
      }
      const caps = (init.agentCapabilities ?? {}) as Obj;
      const httpMcp = ((caps.mcpCapabilities ?? {}) as Obj).http === true;
      const mcpServers: McpServer[] = [];
      if (this.#s.toolServer !== null && httpMcp) {
        mcpServers.push({
          type: "http",
          name: "symphony",
          url: this.#s.toolServer.url,
          headers: [{ name: "Authorization", value: `Bearer ${this.#s.toolServer.token}` }],
        });
      } else if (this.#s.toolServer !== null) {
        this.#log.warn("acp agent takes no HTTP MCP servers; tracker tools unavailable");
      }
      const created = (await this.#bounded(
        this.#conn.agent.request("session/new", { cwd: this.#opts.workspacePath, mcpServers }),
      )) as unknown as Obj;
      if (typeof created.sessionId !== "string" || created.sessionId === "") {
        return err({ category: "startup_failed", message: "session/new returned no sessionId" });
      }
      this.#sessionId = created.sessionId;
      const current = ((created.models ?? {}) as Obj).currentModelId;
      this.#model = typeof current === "string" && current !== "" ? current : null;
      return ok(undefined);
    } catch (cause) {
      return err(await this.#startupError(cause));
    }
  }

  async #startupError(cause: unknown): Promise<AgentError> {
    if (cause instanceof Timeout) return { category: "response_timeout", message: cause.message };
    // the connection may report the end of stdout before the exit is seen: give the exit a moment
    const exit = await within(this.#proc.exited, 1_000);
    if (exit?.code === 127) {
      return { category: "agent_not_found", message: "acp.command: program not found (exit 127)" };
    }
    return { category: "startup_failed", message: `acp handshake failed: ${messageOf(cause)}`, cause };
  }

  /** Races a request against `read_timeout_ms` on the injected clock. */
  #bounded<T>(request: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const ms = this.#s.readTimeoutMs;
      const timer = this.#s.clock.setTimer(ms, () =>
        reject(new Timeout(`acp agent did not answer in ${ms}ms`)),
      );
      request.then(
        (v) => {
          this.#s.clock.clearTimer(timer);
          resolve(v);
        },
        (e: unknown) => {
          this.#s.clock.clearTimer(timer);
          reject(e);
        },
      );
    });
  }

  /** One `session/prompt`, until its response (or exit, block, or the turn signal). */
  async runTurn(prompt: string, input: TurnInput): Promise<Result<void, AgentError>> {
    if (this.#turn !== null) throw new Error("runTurn called while a turn is running");
    if (this.#opts.signal.aborted || this.#stopping !== null) {
      return err({ category: "turn_cancelled", message: "session is stopping" });
    }
    if (input.signal.aborted) return err(turnStopError(input.signal));
    if (this.#closed) return err({ category: "process_exit", message: "acp agent is not running" });
    const turn = new TurnState(input.turn);
    this.#turn = turn;
    this.#updates.takeText();
    const turnId = String(input.turn);
    this.#emit({
      type: "session_started",
      sessionId: `${this.#sessionId}-${turnId}`,
      threadId: this.#sessionId,
      turnId,
      pid: this.#proc.pid === undefined ? null : String(this.#proc.pid),
      model: this.#model,
    });
    const onStop = (): void => turn.stop(turnStopError(input.signal));
    input.signal.addEventListener("abort", onStop, { once: true });
    this.#prompt = this.#conn.agent
      .request("session/prompt", { sessionId: this.#sessionId, prompt: [{ type: "text", text: prompt }] })
      .then(
        (response) => this.#onPromptDone(turn, (response as unknown as Obj).stopReason),
        async (cause: unknown) => {
          // a connection that ended because the agent died is reported by the exit handler as process_exit
          if ((await within(this.#proc.exited, 1_000)) !== null) return;
          turn.fail({ category: "response_error", message: `session/prompt failed: ${messageOf(cause)}` });
        },
      );
    let end: TurnEnd;
    try {
      end = await turn.ended;
    } finally {
      input.signal.removeEventListener("abort", onStop);
      this.#turn = null;
    }
    if (end.interruptNeeded) await this.#cancelRunning();
    this.#emit(end.event);
    return end.result;
  }

  #onPromptDone(turn: TurnState, stopReason: unknown): void {
    if (turn.finishBlocked()) return;
    switch (stopReason) {
      case "end_turn":
        turn.complete(oneLine(this.#updates.takeText(), 500));
        return;
      case "cancelled":
        turn.fail({ category: "turn_cancelled", message: "the agent cancelled the turn" });
        return;
      default:
        turn.fail({ category: "turn_failed", message: `the agent stopped: ${String(stopReason)}` });
    }
  }

  /** `session/cancel`, then the prompt's own answer (ACP: `cancelled`); an agent that never answers is stopped. */
  async #cancelRunning(): Promise<void> {
    const running = this.#prompt;
    if (running === null || this.#closed) return;
    await this.#conn.agent.notify("session/cancel", { sessionId: this.#sessionId }).catch(() => {});
    if ((await within(running, this.#s.readTimeoutMs)) === null && !this.#closed) {
      this.#log.warn("acp agent did not close a cancelled turn; stopping it");
      await this.stop();
    }
  }

  #onPermission(params: Obj): {
    outcome: { outcome: "selected"; optionId: string } | { outcome: "cancelled" };
  } {
    const options = Array.isArray(params.options) ? (params.options as Obj[]) : [];
    const toolCall = (params.toolCall ?? {}) as Obj;
    const title =
      (typeof toolCall.title === "string" && toolCall.title !== "" ? toolCall.title : null) ??
      this.#updates.toolTitle(String(toolCall.toolCallId ?? "")) ??
      "a tool call";
    const pick = (kinds: readonly string[]): string | null => {
      for (const kind of kinds) {
        const found = options.find((o) => o.kind === kind && typeof o.optionId === "string");
        if (found !== undefined) return found.optionId as string;
      }
      return null;
    };
    if (this.#s.autoApprove) {
      const allow = pick(["allow_once", "allow_always"]);
      if (allow !== null) {
        this.#emit({ type: "approval_auto_approved", kind: "tool", summary: oneLine(title) });
        return { outcome: { outcome: "selected", optionId: allow } };
      }
    }
    const question = oneLine(`approve ${title}`, 500);
    this.#log.info("acp attempt blocked on operator", { kind: "approval" });
    this.#emit({ type: "input_required", kind: "approval", question });
    const turn = this.#turn;
    if (turn !== null) {
      turn.block("approval", question);
      // the refusal alone lets the agent go on; cancelling ends the turn so the issue waits for a person
      void this.#conn.agent.notify("session/cancel", { sessionId: this.#sessionId }).catch(() => {});
    }
    const reject = pick(["reject_once", "reject_always"]);
    return {
      outcome: reject === null ? { outcome: "cancelled" } : { outcome: "selected", optionId: reject },
    };
  }

  #emit(event: Emitted): void {
    try {
      this.#opts.onEvent({ ...event, at: this.#s.clock.now() } as AgentEvent);
    } catch (cause) {
      this.#log.warn("agent event observer threw", { reason: messageOf(cause) });
    }
  }

  /** Cancels a running turn, closes the connection, kills the process group, cleans up. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#turn?.cancel("session stopped");
      if (!this.#closed && this.#sessionId !== "") {
        await this.#conn.agent.notify("session/cancel", { sessionId: this.#sessionId }).catch(() => {});
      }
      this.#conn.close();
      this.#proc.stdin.end();
      const exited = await within(this.#proc.exited, this.#s.killGraceMs);
      if (exited === null) await this.#proc.kill(this.#s.killGraceMs);
      else await this.#proc.kill(0);
      await this.#s.cleanup();
    })();
    return this.#stopping;
  }
}
