import type { AgentToolSpec, ToolResult } from "../../domain/agent-event.js";
import type { TrackerError } from "../../domain/errors.js";
import type { Issue } from "../../domain/issue.js";
import type { Result } from "../../domain/result.js";
import {
  type ToolContext,
  type TrackerAdapter,
  unsupportedToolResult,
  type WebhookRequest,
  type WebhookVerdict,
} from "../adapter.js";
import { executeRestTool, type RestToolOptions, type RestToolSender } from "./tool.js";

/** What one REST tracker brings to the shared part: its API tool, secrets, client and webhook check. */
export interface RestTrackerParts {
  readonly kind: string;
  /** The one raw-API tool (`github_api`, `jira_rest`, …): its spec, its limits and how a call is sent. */
  readonly tool: {
    readonly spec: AgentToolSpec;
    readonly options: RestToolOptions;
    readonly send: RestToolSender;
  };
  readonly secretEnvNames: readonly string[];
  /** The HTTP client: its latest rate-limit figures, and close (aborts requests in flight). */
  readonly client: { rateLimits(): Readonly<Record<string, unknown>> | null; close(): void };
  readonly verifyWebhook: (request: WebhookRequest, secret: string) => Result<WebhookVerdict, string>;
}

/**
 * The part every REST tracker (GitHub, GitLab, Jira, Asana) shares: tool advertising and execution,
 * secret names, rate limits, webhook verification and close. A tracker adds only its reads.
 */
export abstract class RestTracker implements TrackerAdapter {
  readonly kind: string;
  readonly #parts: RestTrackerParts;

  protected constructor(parts: RestTrackerParts) {
    this.kind = parts.kind;
    this.#parts = parts;
  }

  abstract fetchIssuesByStates(
    states: readonly string[],
    signal: AbortSignal,
  ): Promise<Result<Issue[], TrackerError>>;

  abstract fetchIssuesByIds(
    ids: readonly string[],
    signal: AbortSignal,
  ): Promise<Result<Issue[], TrackerError>>;

  toolSpecs(): readonly AgentToolSpec[] {
    return [this.#parts.tool.spec];
  }

  async executeTool(name: string, args: unknown, context: ToolContext): Promise<ToolResult> {
    const { spec, options, send } = this.#parts.tool;
    if (name !== spec.name) return unsupportedToolResult(name, [spec.name]);
    return executeRestTool(args, options, context, send);
  }

  secretEnvNames(): readonly string[] {
    return this.#parts.secretEnvNames;
  }

  rateLimits(): Readonly<Record<string, unknown>> | null {
    return this.#parts.client.rateLimits();
  }

  verifyWebhook(request: WebhookRequest, secret: string): Result<WebhookVerdict, string> {
    return this.#parts.verifyWebhook(request, secret);
  }

  async close(): Promise<void> {
    this.#parts.client.close();
  }
}
