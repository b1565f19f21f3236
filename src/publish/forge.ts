import { messageOf } from "../domain/errors.js";
import { err, ok, type Result } from "../domain/result.js";
import { type Clock, clockTimeout } from "../util/clock.js";
import type { PublishError } from "./errors.js";
import type { PublishSettings } from "./settings.js";

/** The pull (merge) request Symphony opened or found for a branch. */
export interface PullRequestRef {
  readonly url: string;
  readonly number: number;
  /** False when an open PR for the branch already existed (it was updated). */
  readonly created: boolean;
}

/** What the PR says: title and description. */
export interface PullRequestText {
  readonly title: string;
  readonly body: string;
}

type Obj = Readonly<Record<string, unknown>>;

interface Call {
  readonly method: "GET" | "POST" | "PATCH" | "PUT";
  readonly path: string;
  readonly body?: Obj;
}

/** The git user name that goes with the token over https (what each forge documents for tokens). */
export function gitUsername(settings: PublishSettings): string {
  return settings.forge === "github" ? "x-access-token" : "oauth2";
}

async function send(
  settings: PublishSettings,
  clock: Clock,
  call: Call,
  signal: AbortSignal,
): Promise<Result<unknown, PublishError>> {
  const auth: Record<string, string> =
    settings.forge === "github"
      ? { Authorization: `Bearer ${settings.token}`, Accept: "application/vnd.github+json" }
      : { "PRIVATE-TOKEN": settings.token, Accept: "application/json" };
  const timeout = clockTimeout(clock, settings.timeoutMs);
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal.addEventListener("abort", onAbort);
  timeout.signal.addEventListener("abort", onAbort);
  try {
    const response = await fetch(`${settings.apiUrl}${call.path}`, {
      method: call.method,
      headers: { ...auth, "Content-Type": "application/json", "User-Agent": "symphony" },
      ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
      redirect: "manual",
      signal: stop.signal,
    });
    const text = await response.text();
    let body: unknown = null;
    try {
      body = text === "" ? null : JSON.parse(text);
    } catch {
      body = null;
    }
    if (response.status < 200 || response.status >= 300) {
      const detail = typeof (body as Obj | null)?.message === "string" ? `: ${(body as Obj).message}` : "";
      return err({
        kind: "forge_status",
        status: response.status,
        message: `${call.method} ${call.path} returned HTTP ${response.status}${detail}`,
      });
    }
    return ok(body);
  } catch (cause) {
    const why = timeout.signal.aborted ? `timed out after ${settings.timeoutMs} ms` : messageOf(cause);
    return err({ kind: "forge_request", message: `${call.method} ${call.path} failed: ${why}` });
  } finally {
    timeout.clear();
    signal.removeEventListener("abort", onAbort);
    timeout.signal.removeEventListener("abort", onAbort);
  }
}

function first(list: unknown): Obj | null {
  return Array.isArray(list) && typeof list[0] === "object" && list[0] !== null ? (list[0] as Obj) : null;
}

function refOf(
  raw: unknown,
  urlKey: string,
  numberKey: string,
  created: boolean,
): Result<PullRequestRef, PublishError> {
  const pr = typeof raw === "object" && raw !== null ? (raw as Obj) : {};
  const url = pr[urlKey];
  const number = pr[numberKey];
  if (typeof url !== "string" || typeof number !== "number") {
    return err({ kind: "forge_request", message: "the forge answered without the request's URL or number" });
  }
  return ok({ url, number, created });
}

/**
 * Opens the PR (GitHub) or MR (GitLab) for `branch`, or updates the open one found by its head branch.
 * A 422 (e.g. no commits between the branches) and every other refusal is a typed `forge_status`.
 */
export async function openOrUpdatePullRequest(
  settings: PublishSettings,
  clock: Clock,
  branch: string,
  text: PullRequestText,
  signal: AbortSignal,
): Promise<Result<PullRequestRef, PublishError>> {
  if (settings.forge === "github") {
    const root = `/repos/${settings.repo}/pulls`;
    const owner = settings.repo.split("/")[0] ?? "";
    const head = encodeURIComponent(`${owner}:${branch}`);
    const found = await send(
      settings,
      clock,
      { method: "GET", path: `${root}?head=${head}&state=open` },
      signal,
    );
    if (!found.ok) return found;
    const existing = first(found.value);
    if (existing !== null && typeof existing.number === "number") {
      const updated = await send(
        settings,
        clock,
        { method: "PATCH", path: `${root}/${existing.number}`, body: { title: text.title, body: text.body } },
        signal,
      );
      return updated.ok ? refOf(updated.value, "html_url", "number", false) : updated;
    }
    const body = { title: text.title, body: text.body, head: branch, base: settings.base };
    const created = await send(settings, clock, { method: "POST", path: root, body }, signal);
    return created.ok ? refOf(created.value, "html_url", "number", true) : created;
  }
  const root = `/projects/${encodeURIComponent(settings.repo)}/merge_requests`;
  const query = `source_branch=${encodeURIComponent(branch)}&state=opened`;
  const found = await send(settings, clock, { method: "GET", path: `${root}?${query}` }, signal);
  if (!found.ok) return found;
  const existing = first(found.value);
  const description = { title: text.title, description: text.body };
  if (existing !== null && typeof existing.iid === "number") {
    const updated = await send(
      settings,
      clock,
      { method: "PUT", path: `${root}/${existing.iid}`, body: description },
      signal,
    );
    return updated.ok ? refOf(updated.value, "web_url", "iid", false) : updated;
  }
  const body = { ...description, source_branch: branch, target_branch: settings.base };
  const created = await send(settings, clock, { method: "POST", path: root, body }, signal);
  return created.ok ? refOf(created.value, "web_url", "iid", true) : created;
}
