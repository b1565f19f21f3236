import {
  type LanguageModel,
  type ModelMessage,
  type StepResult,
  stepCountIs,
  streamText,
  type ToolSet,
} from "ai";
import type { AgentEvent, TokenCounts } from "../../domain/agent-event.js";
import type { AgentError } from "../../domain/errors.js";
import { messageOf } from "../../domain/errors.js";
import type { Logger } from "../../domain/logger.js";
import { err, ok, type Result } from "../../domain/result.js";
import {
  type AgentSession,
  type StartSessionOptions,
  type TurnInput,
  turnStopError,
  turnStopEvent,
} from "../backend.js";
import { estimateTokens, trimHistory } from "./history.js";
import { mapModelError } from "./model-errors.js";
import { rateLimitsFromHeaders } from "./rate-limits.js";
import type { BuiltinBackendConfig } from "./settings.js";
import { buildSystemPrompt } from "./system-prompt.js";
import { firstLine, type ToolOutcome } from "./tools/outcome.js";
import { buildToolSet } from "./tools/toolset.js";

/** Tokens reserved for the reply when `max_output_tokens` is unset. */
const DEFAULT_OUTPUT_RESERVE = 4_096;
/** Rough size of one tool's schema in the request, for the context budget. */
const TOKENS_PER_TOOL_SPEC = 250;

/** Inputs of one built-in agent session. */
export interface BuiltinSessionOptions {
  readonly model: LanguageModel;
  readonly providerName: string;
  readonly config: BuiltinBackendConfig;
  readonly start: StartSessionOptions;
  /** Real path of the workspace. */
  readonly root: string;
  readonly threadId: string;
}

/**
 * One built-in agent session: the conversation (message history) kept across the continuation
 * turns of one attempt, trimmed to the model's window; each turn is one tool-calling loop.
 */
export class BuiltinSession implements AgentSession {
  readonly #o: BuiltinSessionOptions;
  readonly #stopper = new AbortController();
  readonly #signal: AbortSignal;
  readonly #tools: ToolSet;
  readonly #system: string;
  readonly #budget: number;
  readonly #logger: Logger;
  #history: ModelMessage[] = [];
  #totals: TokenCounts = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
  #current: Promise<unknown> | null = null;
  readonly #warned = new Set<string>();

  constructor(options: BuiltinSessionOptions) {
    this.#o = options;
    this.#signal = AbortSignal.any([options.start.signal, this.#stopper.signal]);
    // the runner's logger stamps session_id (`<thread>-turn-<n>`) on every line
    this.#logger = options.start.logger.child({ backend: "builtin" });
    this.#tools = buildToolSet({
      root: options.root,
      host: options.start.host,
      env: options.start.env,
      config: options.config,
      issue: options.start.issue,
      tracker: options.start.tools,
      signal: this.#signal,
      logger: this.#logger,
      onToolCall: (tool, outcome) => this.#onToolCall(tool, outcome),
    });
    this.#system = buildSystemPrompt({
      workspacePath: options.root,
      issue: options.start.issue,
      toolNames: Object.keys(this.#tools),
      extra: options.config.systemPrompt,
    });
    const reserve = options.config.maxOutputTokens ?? DEFAULT_OUTPUT_RESERVE;
    const fixed = estimateTokens(this.#system) + Object.keys(this.#tools).length * TOKENS_PER_TOOL_SPEC;
    this.#budget = Math.max(1_000, options.config.contextWindowTokens - reserve - fixed);
  }

  /** Absolute token totals for this session so far. */
  get totals(): TokenCounts {
    return this.#totals;
  }

  async runTurn(prompt: string, input: TurnInput): Promise<Result<void, AgentError>> {
    if (this.#current !== null) throw new Error("runTurn called while a turn is running");
    const run = this.#runTurn(prompt, input);
    this.#current = run;
    try {
      return await run;
    } finally {
      this.#current = null;
    }
  }

  async stop(): Promise<void> {
    this.#stopper.abort();
    await this.#current?.catch(() => undefined);
  }

  async #runTurn(prompt: string, input: TurnInput): Promise<Result<void, AgentError>> {
    const turn = input.turn;
    // the session's own stop, plus the runner's turn signal (cancellation or turn timeout)
    const signal = AbortSignal.any([this.#signal, input.signal]);
    if (signal.aborted) return this.#stopped(turn, signal);
    const turnId = `turn-${turn}`;
    this.#emit({
      type: "session_started",
      sessionId: `${this.#o.threadId}-${turnId}`,
      threadId: this.#o.threadId,
      turnId,
      pid: null,
      model: this.#o.config.model,
    });
    const logger = this.#logger.child({ turn });
    const messages = this.#trim([...this.#history, { role: "user", content: prompt }], logger);
    let streamError: { cause: unknown } | null = null;
    const config = this.#o.config;
    const result = streamText({
      model: this.#o.model,
      system: this.#system,
      messages,
      tools: this.#tools,
      stopWhen: stepCountIs(config.maxSteps),
      // the orchestrator owns retry and backoff; a failed call ends the turn with a typed error
      maxRetries: 0,
      abortSignal: signal,
      ...(config.temperature === null ? {} : { temperature: config.temperature }),
      ...(config.maxOutputTokens === null ? {} : { maxOutputTokens: config.maxOutputTokens }),
      prepareStep: ({ stepNumber, messages: stepMessages }) =>
        stepNumber === 0 ? undefined : { messages: this.#trim(stepMessages, logger, "debug") },
      onStepFinish: (step) => this.#onStep(step),
      onError: ({ error }) => {
        streamError ??= { cause: error };
      },
    });
    try {
      for await (const part of result.fullStream) {
        if (part.type === "error") streamError ??= { cause: part.error };
      }
    } catch (cause) {
      streamError ??= { cause };
    }
    if (signal.aborted) return this.#stopped(turn, signal);
    if (streamError !== null) return this.#failed(turn, mapModelError(streamError.cause, false), logger);
    let finish: { reason: string; text: string; steps: number; messages: ModelMessage[] };
    try {
      const [reason, text, steps, response] = await Promise.all([
        result.finishReason,
        result.text,
        result.steps,
        result.response,
      ]);
      finish = { reason, text, steps: steps.length, messages: response.messages };
    } catch (cause) {
      if (signal.aborted) return this.#stopped(turn, signal);
      return this.#failed(turn, mapModelError(cause, false), logger);
    }
    if (finish.reason === "error" || finish.reason === "content-filter") {
      const category = finish.reason === "error" ? "model_server_error" : "response_error";
      return this.#failed(
        turn,
        { category, message: `model stream ended with finish reason ${finish.reason}` },
        logger,
      );
    }
    this.#history = this.#trim([...messages, ...finish.messages], logger);
    const message =
      finish.reason === "tool-calls"
        ? `stopped after max_steps (${config.maxSteps}) steps`
        : firstLine(finish.text.trim(), 200) || `finished (${finish.reason})`;
    logger.info("builtin turn completed", { steps: finish.steps, finish_reason: finish.reason });
    this.#emit({ type: "turn_completed", turn, message });
    return ok(undefined);
  }

  #trim(messages: ModelMessage[], logger: Logger, level: "info" | "debug" = "info"): ModelMessage[] {
    const report = trimHistory(messages, this.#budget);
    if (report.elidedToolOutputs > 0 || report.droppedMessages > 0) {
      logger[level]("builtin history trimmed", {
        elided_tool_outputs: report.elidedToolOutputs,
        dropped_messages: report.droppedMessages,
        estimated_tokens: report.estimatedTokens,
        budget_tokens: this.#budget,
      });
    }
    return report.messages;
  }

  #onStep(step: StepResult<ToolSet>): void {
    const usage = step.usage;
    const input = usage.inputTokens ?? 0;
    const output = usage.outputTokens ?? 0;
    const total = usage.totalTokens ?? input + output;
    const cached = usage.inputTokenDetails?.cacheReadTokens ?? 0;
    if (input > 0 || output > 0 || total > 0) {
      this.#totals = {
        inputTokens: this.#totals.inputTokens + input,
        outputTokens: this.#totals.outputTokens + output,
        totalTokens: this.#totals.totalTokens + total,
        ...(cached > 0 || this.#totals.cachedInputTokens !== undefined
          ? { cachedInputTokens: (this.#totals.cachedInputTokens ?? 0) + cached }
          : {}),
      };
      this.#emit({ type: "token_usage", totals: this.#totals });
    }
    for (const warning of step.warnings ?? []) {
      const text = JSON.stringify(warning);
      if (this.#warned.has(text)) continue;
      this.#warned.add(text);
      this.#logger.debug("builtin provider warning", { warning: text.slice(0, 300) });
    }
    const limits = rateLimitsFromHeaders(this.#o.providerName, step.response.headers);
    if (limits !== null) this.#emit({ type: "rate_limits", rateLimits: limits });
    for (const part of step.content) {
      // our executors never throw, so a tool error here is the SDK refusing a malformed call
      if (part.type === "tool-error") {
        this.#emit({
          type: "tool_call",
          tool: part.toolName,
          ok: false,
          summary: `${part.toolName} (malformed call: ${firstLine(messageOf(part.error), 100)})`,
        });
      }
    }
  }

  #onToolCall(tool: string, outcome: ToolOutcome): void {
    this.#emit({ type: "tool_call", tool, ok: outcome.ok, summary: outcome.summary });
  }

  /** Ends a turn stopped by its signal: `turn_timeout` or `turn_cancelled`, with the matching event. */
  #stopped(turn: number, signal: AbortSignal): Result<void, AgentError> {
    const error = turnStopError(signal);
    this.#emit(turnStopEvent(turn, error));
    return err(error);
  }

  #failed(turn: number, error: AgentError, logger: Logger): Result<void, AgentError> {
    logger.warn("builtin turn failed", { reason: error.category, error: error.message });
    this.#emit({ type: "turn_failed", turn, reason: error.category, message: error.message });
    return err(error);
  }

  #emit(event: DistributiveOmit<AgentEvent, "at">): void {
    try {
      this.#o.start.onEvent({ ...event, at: Date.now() } as AgentEvent);
    } catch (cause) {
      this.#logger.warn("builtin event listener threw", { error: messageOf(cause) });
    }
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
