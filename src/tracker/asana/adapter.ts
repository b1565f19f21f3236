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
import { executeRestTool } from "../rest/tool.js";
import { paginationError, responseError } from "../rest-errors.js";
import { WarnOnce } from "../warn-once.js";
import { AsanaClient } from "./client.js";
import type { AsanaTrackerSettings } from "./config.js";
import { type AsanaRecord, normaliseAsanaTask } from "./normalise.js";
import { ASANA_API_OPTIONS, ASANA_API_TOOL } from "./tools.js";
import { AsanaWebhookVerifier } from "./webhook.js";

/** Stops a runaway offset loop (500 pages of 100 tasks). */
export const ASANA_MAX_PAGES = 500;
/** Task reads in flight at once during an ID refresh (Asana has no batch read). */
export const ASANA_REFRESH_CONCURRENCY = 4;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Asana (REST 1.0): one project; states are its section names; tool `asana_api`. */
export class AsanaTracker implements TrackerAdapter {
  readonly kind = "asana";
  readonly #settings: AsanaTrackerSettings;
  readonly #client: AsanaClient;
  readonly #malformed: WarnOnce;
  readonly #webhooks = new AsanaWebhookVerifier();

  constructor(settings: AsanaTrackerSettings, logger: Logger, clock: Clock) {
    this.#settings = settings;
    this.#client = new AsanaClient(settings, clock);
    this.#malformed = new WarnOnce(logger);
  }

  async fetchIssuesByStates(
    states: readonly string[],
    signal: AbortSignal,
  ): Promise<Result<Issue[], TrackerError>> {
    const wanted = new Set(states.map(normaliseState).filter((s) => s !== ""));
    if (wanted.size === 0) return ok([]);
    const out: Issue[] = [];
    const seenOffsets = new Set<string>();
    const seen = new Set<string>();
    let offset: string | null = null;
    for (let page = 0; ; page++) {
      if (page >= ASANA_MAX_PAGES) {
        return err(paginationError("Asana", "project tasks", `stopped after ${ASANA_MAX_PAGES} pages`));
      }
      const reply = await this.#client.projectTasks(offset, signal);
      if (!reply.ok) return reply;
      if (reply.value.kind === "not_found") {
        return err({
          category: "tracker_status",
          message: `Asana project ${this.#settings.projectGid} was not found (HTTP 404)`,
          retryable: false,
          status: 404,
        });
      }
      const body = reply.value.body;
      if (!Array.isArray(body.data))
        return err(responseError("Asana", "project tasks", "`data` is not a list"));
      for (const raw of body.data) {
        const record = normaliseAsanaTask(raw, this.#settings.projectGid);
        if (record.kind === "malformed") this.#reportMalformed(record);
        // a task moved between page requests can come back on a later page: keep the first
        else if (
          record.kind === "issue" &&
          wanted.has(normaliseState(record.issue.state)) &&
          !seen.has(record.issue.id)
        ) {
          seen.add(record.issue.id);
          out.push(record.issue);
        }
      }
      const next = body.next_page;
      if (next === null || next === undefined) return ok(out);
      if (!isObj(next) || typeof next.offset !== "string" || next.offset === "") {
        return err(paginationError("Asana", "project tasks", "next_page has no offset"));
      }
      if (seenOffsets.has(next.offset))
        return err(paginationError("Asana", "project tasks", "next_page.offset repeated"));
      seenOffsets.add(next.offset);
      offset = next.offset;
    }
  }

  async fetchIssuesByIds(
    ids: readonly string[],
    signal: AbortSignal,
  ): Promise<Result<Issue[], TrackerError>> {
    // A non-numeric id cannot name an Asana task: it is not visible, and never reaches a URL.
    const gids = [...new Set(ids)].filter((id) => /^\d+$/.test(id));
    if (gids.length === 0) return ok([]);
    const results: Array<Result<Issue | null, TrackerError> | undefined> = new Array(gids.length);
    let next = 0;
    let failed = false;
    const worker = async (): Promise<void> => {
      while (!failed && next < gids.length) {
        const index = next++;
        const result = await this.#refreshOne(gids[index] as string, signal);
        results[index] = result;
        if (!result.ok) failed = true;
      }
    };
    await Promise.all(Array.from({ length: Math.min(ASANA_REFRESH_CONCURRENCY, gids.length) }, worker));
    const out: Issue[] = [];
    for (const result of results) {
      if (result === undefined) continue;
      if (!result.ok) return result;
      if (result.value !== null) out.push(result.value);
    }
    return ok(out);
  }

  toolSpecs(): readonly AgentToolSpec[] {
    return [ASANA_API_TOOL];
  }

  async executeTool(name: string, args: unknown, context: ToolContext): Promise<ToolResult> {
    if (name !== ASANA_API_TOOL.name) {
      return unsupportedToolResult(
        name,
        this.toolSpecs().map((s) => s.name),
      );
    }
    return executeRestTool(args, ASANA_API_OPTIONS, context, (call, signal) =>
      this.#client.sendCall(call, signal),
    );
  }

  secretEnvNames(): readonly string[] {
    return this.#settings.secretEnvNames;
  }

  rateLimits(): Readonly<Record<string, unknown>> | null {
    return this.#client.rateLimits();
  }

  verifyWebhook(request: WebhookRequest, secret: string): Result<WebhookVerdict, string> {
    return this.#webhooks.verify(request, secret);
  }

  async close(): Promise<void> {
    this.#client.close();
  }

  async #refreshOne(gid: string, signal: AbortSignal): Promise<Result<Issue | null, TrackerError>> {
    const reply = await this.#client.task(gid, signal);
    if (!reply.ok) return reply;
    if (reply.value.kind === "not_found") return ok(null);
    const record = normaliseAsanaTask(reply.value.body.data, this.#settings.projectGid);
    switch (record.kind) {
      case "issue":
        return ok(record.issue);
      case "out_of_scope":
        return ok(null);
      case "malformed":
        return err(responseError("Asana", "task", `task ${gid} is malformed: ${record.reason}`));
      default: {
        const _exhaustive: never = record;
        return _exhaustive;
      }
    }
  }

  #reportMalformed(record: Extract<AsanaRecord, { kind: "malformed" }>): void {
    this.#malformed.warn(`${record.gid ?? "?"}\u0000${record.reason}`, "skipping malformed asana task", {
      task_gid: record.gid,
      reason: record.reason,
    });
  }
}

/** Builds the Asana tracker from a parsed `tracker.provider`. */
export const createAsanaTracker: TrackerFactory<"asana"> = (config, deps) =>
  new AsanaTracker(config.tracker.provider, deps.logger.child({ tracker: "asana" }), deps.clock);
