import type { Issue } from "../domain/issue.js";
import type { Logger } from "../domain/logger.js";
import type { TrackerAdapter } from "../tracker/adapter.js";
import type { Clock } from "../util/clock.js";
import { type PublishError, retryablePublishError } from "./errors.js";
import { gitUsername, openOrUpdatePullRequest, type PullRequestRef } from "./forge.js";
import { branchState, pushBranch, pushTarget } from "./git.js";
import type { PublishSettings } from "./settings.js";

/** What publishing one workspace came to. */
export type PublishOutcome =
  | {
      readonly kind: "published";
      readonly branch: string;
      readonly pr: PullRequestRef;
      readonly attempts: number;
    }
  | { readonly kind: "nothing"; readonly reason: string }
  | { readonly kind: "failed"; readonly error: PublishError; readonly attempts: number };

/** What the publisher uses besides the settings. */
export interface PublisherDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly tracker: () => TrackerAdapter;
  /** The service's redactor: every comment Symphony writes passes it. */
  readonly redact: (text: string) => string;
}

function pause(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clock.clearTimer(handle);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const handle = clock.setTimer(ms, done);
    signal.addEventListener("abort", done);
  });
}

/** One try: push the branch, then open or update its PR. */
async function attemptOnce(
  issue: Issue,
  path: string,
  settings: PublishSettings,
  deps: PublisherDeps,
  signal: AbortSignal,
): Promise<
  | { readonly kind: "nothing"; readonly reason: string }
  | { readonly kind: "error"; readonly error: PublishError; readonly branch: string | null }
  | { readonly kind: "done"; readonly branch: string; readonly commits: number; readonly pr: PullRequestRef }
> {
  const state = await branchState(path, settings.base, settings.timeoutMs, signal);
  if (!state.ok) return { kind: "error", error: state.error, branch: null };
  if (state.value.kind === "nothing") return state.value;
  const { branch, commits } = state.value;
  const target = await pushTarget(path, settings.remote, settings.timeoutMs, signal);
  if (!target.ok) return { kind: "error", error: target.error, branch };
  const pushed = await pushBranch(
    path,
    target.value,
    branch,
    settings.token,
    gitUsername(settings),
    settings.timeoutMs,
    signal,
  );
  if (!pushed.ok) return { kind: "error", error: pushed.error, branch };
  const text = {
    title: `${issue.identifier}: ${issue.title}`,
    body: [
      `Work on ${issue.url ?? issue.identifier}, published by Symphony.`,
      "",
      `${commits} commit(s) on \`${branch}\`.`,
    ].join("\n"),
  };
  const pr = await openOrUpdatePullRequest(settings, deps.clock, branch, text, signal);
  if (!pr.ok) return { kind: "error", error: pr.error, branch };
  return { kind: "done", branch, commits, pr: pr.value };
}

/**
 * Publishes a finished run's workspace with Symphony's own token: pushes its branch, opens (or updates)
 * the PR, links it on the issue and moves the issue to `handoff_state`. Retryable failures are tried
 * again after `retry_delay_ms`, up to `attempts`; the final failure is commented on the issue.
 */
export async function publishWorkspace(
  issue: Issue,
  path: string,
  settings: PublishSettings,
  deps: PublisherDeps,
  signal: AbortSignal,
): Promise<PublishOutcome> {
  const log = deps.logger.child({ issue_id: issue.id, issue_identifier: issue.identifier });
  const tracker = deps.tracker();
  for (let attempt = 1; ; attempt += 1) {
    const result = await attemptOnce(issue, path, settings, deps, signal);
    if (result.kind === "nothing") {
      log.info("nothing to publish", { reason: result.reason });
      return result;
    }
    if (result.kind === "done") {
      const { pr, branch, commits } = result;
      log.info("published", { branch, pr_url: pr.url, created: pr.created, commits, attempts: attempt });
      const verb = pr.created ? "opened" : "updated";
      const body = `Symphony pushed ${commits} commit(s) to \`${branch}\` and ${verb} ${pr.url}`;
      const commented = await tracker.addComment?.(issue.id, deps.redact(body), signal);
      if (commented !== undefined && !commented.ok)
        log.warn("publish comment failed", { error: commented.error.message });
      if (settings.handoffState !== null && tracker.moveIssue !== undefined) {
        const moved = await tracker.moveIssue(issue.id, settings.handoffState, signal);
        if (moved.ok) log.info("issue moved after publishing", { state: settings.handoffState });
        else
          log.warn("moving the issue after publishing failed", {
            state: settings.handoffState,
            error: moved.error.message,
          });
      }
      return { kind: "published", branch, pr, attempts: attempt };
    }
    const { error } = result;
    const again = retryablePublishError(error) && attempt < settings.attempts && !signal.aborted;
    log.warn("publishing failed", { kind: error.kind, error: error.message, attempt, retrying: again });
    if (again) {
      await pause(deps.clock, settings.retryDelayMs, signal);
      continue;
    }
    const where = result.branch === null ? "" : ` branch \`${result.branch}\``;
    const body = `Symphony could not publish${where} (${error.kind}, attempt ${attempt} of ${settings.attempts}): ${error.message}`;
    const commented = await tracker.addComment?.(issue.id, deps.redact(body), signal);
    if (commented !== undefined && !commented.ok)
      log.warn("publish comment failed", { error: commented.error.message });
    return { kind: "failed", error, attempts: attempt };
  }
}
