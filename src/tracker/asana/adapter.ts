import type { TrackerError } from "../../domain/errors.js";
import { type Issue, normaliseState } from "../../domain/issue.js";
import type { Logger } from "../../domain/logger.js";
import { err, ok, type Result } from "../../domain/result.js";
import type { Clock } from "../../util/clock.js";
import type { TrackerFactory } from "../factory.js";
import { mapBounded } from "../rest/bounded.js";
import { paginate } from "../rest/paginate.js";
import { RestTracker } from "../rest/rest-tracker.js";
import { responseError } from "../rest-errors.js";
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
export class AsanaTracker extends RestTracker {
  readonly #settings: AsanaTrackerSettings;
  readonly #client: AsanaClient;
  readonly #malformed: WarnOnce;

  constructor(settings: AsanaTrackerSettings, logger: Logger, clock: Clock) {
    const client = new AsanaClient(settings, clock);
    // the verifier remembers the handshake secret, so it lives as long as the tracker
    const webhooks = new AsanaWebhookVerifier();
    super({
      kind: "asana",
      tool: {
        spec: ASANA_API_TOOL,
        options: ASANA_API_OPTIONS,
        send: (call, signal) => client.sendCall(call, signal),
      },
      secretEnvNames: settings.secretEnvNames,
      client,
      verifyWebhook: (request, secret) => webhooks.verify(request, secret),
    });
    this.#settings = settings;
    this.#client = client;
    this.#malformed = new WarnOnce(logger);
  }

  async fetchIssuesByStates(
    states: readonly string[],
    signal: AbortSignal,
  ): Promise<Result<Issue[], TrackerError>> {
    const wanted = new Set(states.map(normaliseState).filter((s) => s !== ""));
    if (wanted.size === 0) return ok([]);
    const out: Issue[] = [];
    const seen = new Set<string>();
    const paged = await paginate<string | null>(
      { provider: "Asana", what: "project tasks", maxPages: ASANA_MAX_PAGES, first: null },
      async (offset) => {
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
        if (next === null || next === undefined) return ok({ kind: "last" });
        if (!isObj(next) || typeof next.offset !== "string" || next.offset === "") {
          return ok({ kind: "invalid", problem: "next_page has no offset" });
        }
        return ok({ kind: "next", cursor: next.offset, key: next.offset });
      },
    );
    return paged.ok ? ok(out) : paged;
  }

  async fetchIssuesByIds(
    ids: readonly string[],
    signal: AbortSignal,
  ): Promise<Result<Issue[], TrackerError>> {
    // A non-numeric id cannot name an Asana task: it is not visible, and never reaches a URL.
    const gids = [...new Set(ids)].filter((id) => /^\d+$/.test(id));
    if (gids.length === 0) return ok([]);
    const refreshed = await mapBounded(gids, ASANA_REFRESH_CONCURRENCY, (gid) =>
      this.#refreshOne(gid, signal),
    );
    return refreshed.ok ? ok(refreshed.value.filter((issue): issue is Issue => issue !== null)) : refreshed;
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
    this.#malformed.warn(`${record.id ?? "?"}\u0000${record.reason}`, "skipping malformed asana task", {
      task_gid: record.id,
      reason: record.reason,
    });
  }
}

/** Builds the Asana tracker from a parsed `tracker.provider`. */
export const createAsanaTracker: TrackerFactory<"asana"> = (config, deps) =>
  new AsanaTracker(config.tracker.provider, deps.logger.child({ tracker: "asana" }), deps.clock);
