import type { TrackerError } from "../../domain/errors.js";
import { type Issue, looksLikeBot, normaliseState, type TrackerComment } from "../../domain/issue.js";
import type { Logger } from "../../domain/logger.js";
import { err, ok, type Result } from "../../domain/result.js";
import type { Clock } from "../../util/clock.js";
import type { TrackerFactory } from "../factory.js";
import { RestTracker } from "../rest/rest-tracker.js";
import { WarnOnce } from "../warn-once.js";
import { GitlabClient } from "./client.js";
import type { GitlabTrackerSettings } from "./config.js";
import { normaliseGitlabIssue } from "./normalise.js";
import { gitlabToolOptions, gitlabToolSpec } from "./tools.js";
import { verifyGitlabWebhook } from "./webhook.js";

/** GitLab Issues of one project (REST v4); states `opened`/`closed`. */
export class GitlabTracker extends RestTracker {
  readonly #settings: GitlabTrackerSettings;
  readonly #client: GitlabClient;
  readonly #malformed: WarnOnce;

  constructor(settings: GitlabTrackerSettings, logger: Logger, clock: Clock) {
    const client = new GitlabClient(settings, clock);
    super({
      kind: "gitlab",
      tool: {
        spec: gitlabToolSpec(settings.projectPath),
        options: gitlabToolOptions(settings.projectPath),
        send: (call, signal) => client.sendToolCall(call, signal),
      },
      secretEnvNames: settings.secretEnvNames,
      client,
      verifyWebhook: (request, secret) => verifyGitlabWebhook(request, secret, clock.now()),
    });
    this.#settings = settings;
    this.#client = client;
    this.#malformed = new WarnOnce(logger);
  }

  async fetchIssuesByStates(
    states: readonly string[],
    signal: AbortSignal,
  ): Promise<Result<Issue[], TrackerError>> {
    const wanted = new Set(states.map(normaliseState));
    const opened = wanted.has("opened");
    const closed = wanted.has("closed");
    if (!opened && !closed) return ok([]); // no request: nothing GitLab holds can match
    const listed = await this.#client.listIssues(
      opened && closed ? "all" : opened ? "opened" : "closed",
      signal,
    );
    if (!listed.ok) return listed;
    const out: Issue[] = [];
    const seen = new Set<string>();
    for (const raw of listed.value) {
      const record = normaliseGitlabIssue(raw, this.#settings.projectPath);
      if (record.kind !== "issue") {
        this.#malformed.warn(JSON.stringify(iidOf(raw)), "skipping malformed GitLab issue", {
          tracker: "gitlab",
          iid: iidOf(raw),
        });
        continue;
      }
      const { issue } = record;
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
    if (unique.length === 0) return ok([]);
    const iids: number[] = [];
    for (const id of unique) {
      const n = /^[1-9][0-9]{0,15}$/.test(id) ? Number(id) : Number.NaN;
      if (!Number.isSafeInteger(n)) {
        return err({
          category: "tracker_request",
          message: `not a GitLab issue iid: ${JSON.stringify(id)}`,
          retryable: false,
        });
      }
      iids.push(n);
    }
    const listed = await this.#client.issuesByIids(iids, signal);
    if (!listed.ok) return listed;
    const byId = new Map<string, Issue>();
    for (const raw of listed.value) {
      const record = normaliseGitlabIssue(raw, this.#settings.projectPath);
      if (record.kind !== "issue") {
        return err({
          category: "tracker_response",
          message: `GitLab response malformed: an issue in the refresh lacks iid, title or state (iid ${iidOf(raw)})`,
          retryable: true,
        });
      }
      byId.set(record.issue.id, record.issue);
    }
    // request order; iids GitLab did not return are no longer visible and are omitted
    return ok(unique.flatMap((id) => byId.get(id) ?? []));
  }

  /** {@inheritDoc TrackerAdapter.addComment} */
  async addComment(issueId: string, body: string, signal: AbortSignal): Promise<Result<void, TrackerError>> {
    const iid = issueIid(issueId);
    if (!iid.ok) return iid;
    return this.#client.postNote(iid.value, body, signal);
  }

  /** {@inheritDoc TrackerAdapter.listComments} */
  async listComments(issueId: string, signal: AbortSignal): Promise<Result<TrackerComment[], TrackerError>> {
    const iid = issueIid(issueId);
    if (!iid.ok) return iid;
    const listed = await this.#client.listNotes(iid.value, signal);
    if (!listed.ok) return listed;
    return ok(listed.value.flatMap((raw) => normaliseGitlabNote(raw)));
  }
}

function issueIid(id: string): Result<number, TrackerError> {
  const n = /^[1-9][0-9]{0,15}$/.test(id) ? Number(id) : Number.NaN;
  if (Number.isSafeInteger(n)) return ok(n);
  return err({
    category: "tracker_request",
    message: `not a GitLab issue iid: ${JSON.stringify(id)}`,
    retryable: false,
  });
}

/** A GitLab note reduced to what the question loop reads; system notes and malformed entries are dropped. */
function normaliseGitlabNote(raw: unknown): TrackerComment[] {
  if (typeof raw !== "object" || raw === null) return [];
  const n = raw as { id?: unknown; body?: unknown; created_at?: unknown; author?: unknown; system?: unknown };
  if (n.system === true || (typeof n.id !== "number" && typeof n.id !== "string")) return [];
  const author = (typeof n.author === "object" && n.author !== null ? n.author : {}) as {
    username?: unknown;
    bot?: unknown;
  };
  const login = typeof author.username === "string" ? author.username : null;
  const created = typeof n.created_at === "string" ? Date.parse(n.created_at) : Number.NaN;
  return [
    {
      id: String(n.id),
      author: login,
      authorIsBot: author.bot === true || looksLikeBot(login),
      body: typeof n.body === "string" ? n.body : "",
      createdAt: Number.isNaN(created) ? null : created,
    },
  ];
}

function iidOf(raw: unknown): number | null {
  if (typeof raw !== "object" || raw === null) return null;
  const n = (raw as { iid?: unknown }).iid;
  return typeof n === "number" ? n : null;
}

/** Builds the GitLab tracker from the parsed `tracker.provider` settings. */
export const createGitlabTracker: TrackerFactory<"gitlab"> = (config, deps) =>
  new GitlabTracker(config.tracker.provider, deps.logger.child({ tracker: "gitlab" }), deps.clock);
