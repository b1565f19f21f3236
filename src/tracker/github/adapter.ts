import type { TrackerError } from "../../domain/errors.js";
import { type Issue, looksLikeBot, normaliseState, type TrackerComment } from "../../domain/issue.js";
import type { Logger } from "../../domain/logger.js";
import { err, ok, type Result } from "../../domain/result.js";
import type { Clock } from "../../util/clock.js";
import type { TrackerFactory } from "../factory.js";
import { mapBounded } from "../rest/bounded.js";
import { RestTracker } from "../rest/rest-tracker.js";
import { WarnOnce } from "../warn-once.js";
import { GithubClient } from "./client.js";
import type { GithubTrackerSettings } from "./config.js";
import { type GithubStateMode, normaliseGithubIssue } from "./normalise.js";
import { githubToolOptions, githubToolSpec } from "./tools.js";
import { verifyGithubWebhook } from "./webhook.js";

// ID refreshes are one GET per issue (REST has no batch read); a few at a time keeps reconciliation quick.
const REFRESH_CONCURRENCY = 4;

/** GitHub Issues of one repository (REST v3); states `open`/`closed`, or label-derived states. */
export class GithubTracker extends RestTracker {
  readonly #settings: GithubTrackerSettings;
  readonly #client: GithubClient;
  readonly #mode: GithubStateMode;
  readonly #malformed: WarnOnce;

  constructor(settings: GithubTrackerSettings, logger: Logger, clock: Clock) {
    const client = new GithubClient(settings, clock);
    super({
      kind: "github",
      tool: {
        spec: githubToolSpec(settings.owner, settings.repo),
        options: githubToolOptions(settings.owner, settings.repo),
        send: (call, signal) => client.sendToolCall(call, signal),
      },
      secretEnvNames: settings.secretEnvNames,
      client,
      verifyWebhook: verifyGithubWebhook,
    });
    this.#settings = settings;
    this.#client = client;
    this.#malformed = new WarnOnce(logger);
    this.#mode = { owner: settings.owner, repo: settings.repo, stateLabelPrefix: settings.stateLabelPrefix };
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
      const record = normaliseGithubIssue(raw, this.#mode);
      if (record.kind !== "issue") {
        this.#malformed.warn(JSON.stringify(numberOf(raw)), "skipping malformed GitHub issue", {
          tracker: "github",
          number: numberOf(raw),
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
    const refreshed = await mapBounded(numbers, REFRESH_CONCURRENCY, (n) => this.#refreshOne(n, signal));
    return refreshed.ok ? ok(refreshed.value.filter((issue): issue is Issue => issue !== null)) : refreshed;
  }

  /** {@inheritDoc TrackerAdapter.addComment} */
  async addComment(issueId: string, body: string, signal: AbortSignal): Promise<Result<void, TrackerError>> {
    const n = issueNumber(issueId);
    if (!n.ok) return n;
    return this.#client.postComment(n.value, body, signal);
  }

  /** {@inheritDoc TrackerAdapter.listComments} */
  async listComments(issueId: string, signal: AbortSignal): Promise<Result<TrackerComment[], TrackerError>> {
    const n = issueNumber(issueId);
    if (!n.ok) return n;
    const listed = await this.#client.listComments(n.value, signal);
    if (!listed.ok) return listed;
    return ok(listed.value.flatMap((raw) => normaliseGithubComment(raw)));
  }

  /** One issue by number; null when it is gone or hidden (omitted from the refresh). */
  async #refreshOne(n: number, signal: AbortSignal): Promise<Result<Issue | null, TrackerError>> {
    const result = await this.#client.getIssue(n, signal);
    if (!result.ok) return result;
    if (result.value === null) return ok(null);
    const record = normaliseGithubIssue(result.value, this.#mode);
    if (record.kind !== "issue" || record.issue.id !== String(n)) {
      return err({
        category: "tracker_response",
        message: `GitHub response malformed: issue ${n} lacks number, title or state`,
        retryable: true,
      });
    }
    return ok(record.issue);
  }
}

function issueNumber(id: string): Result<number, TrackerError> {
  const n = /^[1-9][0-9]{0,15}$/.test(id) ? Number(id) : Number.NaN;
  if (Number.isSafeInteger(n)) return ok(n);
  return err({
    category: "tracker_request",
    message: `not a GitHub issue id: ${JSON.stringify(id)}`,
    retryable: false,
  });
}

/** A GitHub issue comment reduced to what the question loop reads; malformed entries are dropped. */
function normaliseGithubComment(raw: unknown): TrackerComment[] {
  if (typeof raw !== "object" || raw === null) return [];
  const c = raw as { id?: unknown; body?: unknown; created_at?: unknown; user?: unknown };
  if (typeof c.id !== "number" && typeof c.id !== "string") return [];
  const user = (typeof c.user === "object" && c.user !== null ? c.user : {}) as {
    login?: unknown;
    type?: unknown;
  };
  const login = typeof user.login === "string" ? user.login : null;
  const created = typeof c.created_at === "string" ? Date.parse(c.created_at) : Number.NaN;
  return [
    {
      id: String(c.id),
      author: login,
      authorIsBot: user.type === "Bot" || looksLikeBot(login),
      body: typeof c.body === "string" ? c.body : "",
      createdAt: Number.isNaN(created) ? null : created,
    },
  ];
}

function numberOf(raw: unknown): number | null {
  if (typeof raw !== "object" || raw === null) return null;
  const n = (raw as { number?: unknown }).number;
  return typeof n === "number" ? n : null;
}

/** Builds the GitHub tracker from the parsed `tracker.provider` settings. */
export const createGithubTracker: TrackerFactory<"github"> = (config, deps) =>
  new GithubTracker(config.tracker.provider, deps.logger.child({ tracker: "github" }), deps.clock);
