import type { AgentToolSpec, ToolResult } from "../../domain/agent-event.js";
import type { TrackerError } from "../../domain/errors.js";
import { type Issue, normaliseState } from "../../domain/issue.js";
import type { Logger } from "../../domain/logger.js";
import { err, ok, type Result } from "../../domain/result.js";
import type { Clock } from "../../util/clock.js";
import {
  type ToolContext,
  type TrackerAdapter,
  unsupportedToolResult,
  type WebhookRequest,
  type WebhookVerdict,
} from "../adapter.js";
import type { TrackerFactory } from "../factory.js";
import { executeRestTool, type RestToolOptions } from "../rest/tool.js";
import { WarnOnce } from "../warn-once.js";
import { GithubClient } from "./client.js";
import type { GithubTrackerSettings } from "./config.js";
import { type GithubStateMode, normaliseGithubIssue } from "./normalise.js";
import { githubToolOptions, githubToolSpec } from "./tools.js";
import { verifyGithubWebhook } from "./webhook.js";

// ID refreshes are one GET per issue (REST has no batch read); a few at a time keeps reconciliation quick.
const REFRESH_CONCURRENCY = 4;

/** GitHub Issues of one repository (REST v3); states `open`/`closed`, or label-derived states. */
export class GithubTracker implements TrackerAdapter {
  readonly kind = "github";
  readonly #settings: GithubTrackerSettings;
  readonly #client: GithubClient;
  readonly #mode: GithubStateMode;
  readonly #tool: RestToolOptions;
  readonly #spec: AgentToolSpec;
  readonly #malformed: WarnOnce;

  constructor(settings: GithubTrackerSettings, logger: Logger, clock: Clock) {
    this.#settings = settings;
    this.#client = new GithubClient(settings, clock);
    this.#malformed = new WarnOnce(logger);
    this.#mode = { owner: settings.owner, repo: settings.repo, stateLabelPrefix: settings.stateLabelPrefix };
    this.#tool = githubToolOptions(settings.owner, settings.repo);
    this.#spec = githubToolSpec(settings.owner, settings.repo);
  }

  async fetchIssuesByStates(
    states: readonly string[],
    signal: AbortSignal,
  ): Promise<Result<Issue[], TrackerError>> {
    const wanted = new Set(states.map(normaliseState));
    const open =
      this.#settings.stateLabelPrefix === null ? wanted.has("open") : [...wanted].some((s) => s !== "closed");
    const closed = wanted.has("closed");
    if (!open && !closed) return ok([]); // no request: nothing GitHub holds can match
    const listed = await this.#client.listIssues(open && closed ? "all" : open ? "open" : "closed", signal);
    if (!listed.ok) return listed;
    const out: Issue[] = [];
    const seen = new Set<string>();
    for (const raw of listed.value) {
      const issue = normaliseGithubIssue(raw, this.#mode);
      if (issue === null) {
        this.#malformed.warn(JSON.stringify(numberOf(raw)), "skipping malformed GitHub issue", {
          tracker: "github",
          number: numberOf(raw),
        });
        continue;
      }
      // offset pages can repeat an item that moved between reads
      if (seen.has(issue.id) || !wanted.has(normaliseState(issue.state))) continue;
      seen.add(issue.id);
      out.push(issue);
    }
    return ok(out);
  }

  async fetchIssuesByIds(
    ids: readonly string[],
    signal: AbortSignal,
  ): Promise<Result<Issue[], TrackerError>> {
    const unique = [...new Set(ids)];
    const numbers: number[] = [];
    for (const id of unique) {
      const n = /^[1-9][0-9]{0,15}$/.test(id) ? Number(id) : Number.NaN;
      if (!Number.isSafeInteger(n)) {
        return err({
          category: "tracker_request",
          message: `not a GitHub issue id: ${JSON.stringify(id)}`,
          retryable: false,
        });
      }
      numbers.push(n);
    }
    const out: Issue[] = [];
    for (let i = 0; i < numbers.length; i += REFRESH_CONCURRENCY) {
      const batch = numbers.slice(i, i + REFRESH_CONCURRENCY);
      const results = await Promise.all(batch.map((n) => this.#client.getIssue(n, signal)));
      for (const [j, result] of results.entries()) {
        if (!result.ok) return result;
        if (result.value === null) continue; // gone or hidden: omitted
        const issue = normaliseGithubIssue(result.value, this.#mode);
        if (issue === null || issue.id !== String(batch[j])) {
          return err({
            category: "tracker_response",
            message: `GitHub response malformed: issue ${batch[j]} lacks number, title or state`,
            retryable: true,
          });
        }
        out.push(issue);
      }
    }
    return ok(out);
  }

  toolSpecs(): readonly AgentToolSpec[] {
    return [this.#spec];
  }

  async executeTool(name: string, args: unknown, context: ToolContext): Promise<ToolResult> {
    if (name !== this.#spec.name) {
      return unsupportedToolResult(name, [this.#spec.name]);
    }
    return executeRestTool(args, this.#tool, context, (call, signal) =>
      this.#client.sendToolCall(call, signal),
    );
  }

  secretEnvNames(): readonly string[] {
    return this.#settings.secretEnvNames;
  }

  rateLimits(): Readonly<Record<string, unknown>> | null {
    return this.#client.rateLimits();
  }

  verifyWebhook(request: WebhookRequest, secret: string): Result<WebhookVerdict, string> {
    return verifyGithubWebhook(request, secret);
  }

  async close(): Promise<void> {
    this.#client.close();
  }
}

function numberOf(raw: unknown): number | null {
  if (typeof raw !== "object" || raw === null) return null;
  const n = (raw as { number?: unknown }).number;
  return typeof n === "number" ? n : null;
}

/** Builds the GitHub tracker from the parsed `tracker.provider` settings. */
export const createGithubTracker: TrackerFactory<"github"> = (config, deps) =>
  new GithubTracker(config.tracker.provider, deps.logger.child({ tracker: "github" }), deps.clock);
